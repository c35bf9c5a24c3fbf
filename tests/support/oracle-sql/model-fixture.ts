/**
 * Small hand-written CSV fixtures through the real models: a private project copy and warehouse, files landed as
 * deliveries, builds and closes, and readers that format amounts like the exports (minor units → decimal text).
 */
import { formatMinor } from '../../../src/finance/money.js';
import type { RecordTypeName } from '../../../src/extract/record-types.js';
import { RECORD_TYPE_NAMES } from '../../../src/extract/record-types.js';
import type { DeliveredFile } from './scenario-files.js';
import type { BuildFailure, LedgerVars } from './sql-ledger.js';
import { copyProject, SqlLedger } from './sql-ledger.js';

/** A CSV delivery from text; the record type comes from the file name (`orders_x.csv` → orders). */
export function csvFile(name: string, content: string): DeliveredFile {
  const type = RECORD_TYPE_NAMES.find((t) => name.startsWith(t)) as RecordTypeName | undefined;
  if (!type) throw new Error(`fixture: ${name} is not named after a record type`);
  const lines = content.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { name, type, content: `${lines.join('\n')}\n` };
}

/**
 * Small books for the data tests: SO1 with two lines (one invoiced), SO2 with one line and no customer, all USD from
 * 202401. `smallBooks()` delivers them as two files.
 */
const SMALL_ORDERS_CSV = `Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date
SO1,A1,C1,P-X,2024-01-01,1,,120.00,10,USD,2024-01-01,2024-03-31
SO1,A2,C1,P-X,2024-01-01,2,,30.00,20,USD,2024-01-15,2024-02-14
SO2,B1,,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31`;
const SMALL_INVOICES_CSV = `Invoice_Number,Document_Type,Reference_Document,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency
I1,INV,,SO1,A1,2024-01-02,100.00,USD`;

export function smallBooks(): DeliveredFile[] {
  return [csvFile('orders_1.csv', SMALL_ORDERS_CSV), csvFile('invoices_1.csv', SMALL_INVOICES_CSV)];
}

/** A warehouse with the real models for one fixture; `dispose()` removes everything. */
export interface ModelFixture {
  readonly ledger: SqlLedger;
  /** Lands the files, builds, and returns the failed models and data tests (none when green). */
  loadAndBuild(...files: DeliveredFile[]): Promise<BuildFailure[]>;
  /** Builds, freezes the current period (close), and returns the build failures. */
  close(): Promise<BuildFailure[]>;
  /** A `fct_line_periods` column of an item over periods as decimal text (revenue also from the future schedule). */
  series(item: string, column: string, periods: readonly number[], minorUnit?: number): Promise<string[]>;
  dispose(): Promise<void>;
}

export const DEFAULT_VARS: LedgerVars = { home_currency: 'USD', first_period: 202401, max_rate_age_days: 3, commission_expedient: false };

/** Opens a fixture with `vars` (defaults: USD, first period 202401, rates 3 days, no expedient). */
export async function openModelFixture(vars: Partial<LedgerVars> = {}): Promise<ModelFixture> {
  const project = await copyProject();
  let ledger: SqlLedger;
  try {
    ledger = await SqlLedger.open(project.dir, 'fixture', { ...DEFAULT_VARS, ...vars });
  } catch (error) {
    await project.cleanup();
    throw error;
  }
  return {
    ledger,
    async loadAndBuild(...files) {
      await ledger.land(files);
      return ledger.build();
    },
    async close() {
      const failures = await ledger.build();
      await ledger.freeze();
      return failures;
    },
    async series(item, column, periods, minorUnit = 2) {
      const future = ['revenue_txn', 'revenue_home'].includes(column)
        ? `UNION ALL
           SELECT s.actg_period, s.${column} FROM marts.fct_revenue_schedule AS s
           JOIN intermediate.int_contract_lines AS l USING (line_key)
           WHERE l.sales_order_item_id = '${item}' AND NOT s.is_catch_up`
        : '';
      const rows = await ledger.rows<{ actg_period: number; amount: string }>(
        `SELECT r.actg_period, r.${column} AS amount FROM marts.fct_line_periods AS r WHERE r.sales_order_item_id = '${item}' ${future}`,
      );
      const byPeriod = new Map(rows.map((r) => [Number(r.actg_period), BigInt(r.amount)]));
      return periods.map((p) => formatMinor(byPeriod.get(p) ?? 0n, minorUnit));
    },
    async dispose() {
      await ledger.close();
      await project.cleanup();
    },
  };
}
