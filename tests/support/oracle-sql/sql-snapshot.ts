/**
 * What the SQL models report after a build, read with exact values and keyed like the oracle: contract lines
 * (allocation, dates, method, FX-pending), `fct_line_periods` rows, netted journals, the revenue schedule and the
 * stage area.
 */
import { MEASURE_COLUMNS } from './ledger-comparison.js';
import type { SqlLedger } from './sql-ledger.js';

export interface SqlLine {
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface SqlLinePeriod {
  /** `<kind>:<line key>` (kinds as the oracle names them: order, external, invoice). */
  readonly line: string;
  readonly period: number;
  readonly amounts: Readonly<Record<string, bigint>>;
}

export interface SqlScheduleRow {
  /** `<kind>:<line key>`. */
  readonly line: string;
  readonly period: number;
  readonly revenueTxn: bigint;
  readonly revenueHome: bigint;
  readonly catchUp: boolean;
}

export interface SqlStageEntry {
  readonly type: string;
  readonly key: string;
  readonly code: string;
  readonly status: string;
}

export interface SqlSnapshot {
  readonly currentPeriod: number;
  readonly lines: readonly SqlLine[];
  readonly linePeriods: readonly SqlLinePeriod[];
  /** `<kind>:<line key>@period` → netted journal rows as `"<Account_Type> Dr <debit> Cr <credit> class=<class>"`. */
  readonly journals: ReadonlyMap<string, readonly string[]>;
  readonly schedule: readonly SqlScheduleRow[];
  readonly stage: readonly SqlStageEntry[];
}

const AMOUNT_COLUMNS = MEASURE_COLUMNS.flatMap(([, stem]) => [`${stem}_txn`, `${stem}_home`]);

type Row = Record<string, string | number | boolean | null>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const KINDS: Record<string, string> = { O: 'order', G: 'external', I: 'invoice' };

/** `<kind>:<key>` of a SQL line: its kind from the line_key prefix, its key the Sales_Order_Item_Id. */
export function lineId(lineKey: unknown, item: unknown): string {
  return `${KINDS[text(lineKey).split('|')[0]!] ?? text(lineKey)}:${text(item)}`;
}

/** Reads the snapshot of the marts as built now. */
export async function readSqlSnapshot(ledger: SqlLedger): Promise<SqlSnapshot> {
  const currentPeriod = Number(await ledger.wh.scalar('SELECT current_period FROM intermediate.int_settings'));
  const lineRows = await ledger.rows<Row>(`
    SELECT l.*, c.is_pending,
      (SELECT string_agg(strftime(p.start_date, '%Y-%m-%d') || '..' || strftime(p.end_date, '%Y-%m-%d') || ':' || p.part_amount_minor, ' ')
       FROM intermediate.int_recognition_parts AS p WHERE p.line_key = l.line_key) AS parts
    FROM intermediate.int_contract_lines AS l
    LEFT JOIN intermediate.int_line_cumulative AS c USING (line_key)`);
  const lines = lineRows.map((r) => ({
    key: text(r.sales_order_item_id),
    fields: {
      kind: text(r.line_kind),
      sales_order_id: text(r.sales_order_id),
      reference_invoice_number: text(r.reference_invoice_number),
      product_id: text(r.product_id),
      product_code: text(r.product_code),
      product_name: text(r.product_name),
      customer_id: text(r.customer_id),
      currency: text(r.currency),
      contract_date: text(r.booked_date),
      booking: text(r.booking_minor),
      allocated: text(r.allocated_minor),
      method: text(r.recognition_method),
      service_start: text(r.service_start_date),
      service_end: text(r.service_end_date),
      duration_hundredths: text(r.duration_hundredths),
      fx_pending: text(r.is_pending),
      recognition_parts: text(r.parts).split(' ').filter(Boolean).sort().join(' '),
    },
  }));

  const periodRows = await ledger.rows<Row>('SELECT * FROM marts.fct_line_periods');
  const linePeriods = periodRows.map((r) => ({
    line: lineId(r.line_key, r.sales_order_item_id),
    period: Number(r.actg_period),
    amounts: Object.fromEntries(AMOUNT_COLUMNS.map((c) => [c, BigInt(text(r[c]) || '0')])),
  }));

  const journals = new Map<string, string[]>();
  for (const j of await ledger.rows<Row>('SELECT actg_period, line_key, sales_order_item_id, account_type, debit_minor, credit_minor, class FROM marts.fct_journal_lines')) {
    const key = `${lineId(j.line_key, j.sales_order_item_id)}@${Number(j.actg_period)}`;
    const list = journals.get(key) ?? [];
    list.push(`${text(j.account_type)} Dr ${text(j.debit_minor)} Cr ${text(j.credit_minor)} class=${text(j.class)}`);
    journals.set(key, list);
  }

  const scheduleRows = await ledger.rows<Row>(`
    WITH keys AS (
      SELECT DISTINCT line_key, sales_order_item_id FROM marts.fct_line_periods
      UNION SELECT line_key, sales_order_item_id FROM intermediate.int_contract_lines
    )
    SELECT s.line_key, k.sales_order_item_id, s.actg_period, s.revenue_txn, s.revenue_home, s.is_catch_up
    FROM marts.fct_revenue_schedule AS s LEFT JOIN keys AS k USING (line_key)`);
  const schedule = scheduleRows.map((r) => ({
    line: lineId(r.line_key, r.sales_order_item_id),
    period: Number(r.actg_period),
    revenueTxn: BigInt(text(r.revenue_txn)),
    revenueHome: BigInt(text(r.revenue_home)),
    catchUp: r.is_catch_up === true,
  }));

  const stage = (await ledger.rows<Row>('SELECT type, key, code, status FROM stage.stage_records')).map((r) => ({
    type: text(r.type),
    key: text(r.key),
    code: text(r.code),
    status: text(r.status),
  }));
  return { currentPeriod, lines, linePeriods, journals, schedule, stage };
}
