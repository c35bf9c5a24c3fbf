/**
 * Every stage-area code of inputs.md that data can produce, from one small delivery through the real landing and
 * models: each bad or waiting record lands in `stage.stage_records` once, with its file, row, key, code and status,
 * while the good records of the same files load, and every raw row is accounted for.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { csvFile, openModelFixture } from '../../support/oracle-sql/model-fixture.js';
import type { ModelFixture } from '../../support/oracle-sql/model-fixture.js';
import type { BuildFailure } from '../../support/oracle-sql/sql-ledger.js';

const ORDERS = `Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date
SO1,A1,C1,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO2,B1,,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO3,C1,C1,P-X,2024-02-30,1,,100.00,,USD,2024-01-01,2024-12-31
SO4,D1,C1,P-X,2024-01-01,1e3,,100.00,,USD,2024-01-01,2024-12-31
SO5,E1,C1,P-X,2024-01-01,1,,100.00,,XYZ,2024-01-01,2024-12-31
SO6,F1,C1,P-X,2024-01-01,1,,100.00,,USD,2024-12-31,2024-01-01
SO7,G1,C1,P-NONE,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO7,G2,C1,P-NONE,2024-01-01,1,,50.00,10,USD,2024-01-01,2024-12-31
SO8,H1,C1,P-X,2024-03-05,1,,100.00,,USD,2024-03-05,2024-12-31
SO9,X1,C1,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO10,J1,C1,P-X,2024-01-10,1,,100.00,,EUR,2024-01-10,2024-12-31`;

const INVOICES = `Invoice_Number,Document_Type,Reference_Document,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency,Service_Start_Date,Service_End_Date
INV1,INV,,SO1,A1,2024-01-05,100.00,USD,,
BADT,XYZ,,SO1,A1,2024-01-05,1.00,USD,,
UNK,INV,,SO99,NOPE,2024-01-05,1.00,USD,,
NOC,INV,,,,2024-01-05,1.00,USD,,
IVC1,IVC,NOSUCH,SO1,A1,2024-01-06,100.00,USD,,
IVC2,IVC,INV1,SO1,A1,2024-01-07,50.00,USD,,
CM1,CM,INV1,SO1,A1,2024-01-10,30.00,USD,,
CMC1,CMC,CM1,SO1,A1,2024-01-12,20.00,USD,,
CM2,CM,INV1,SO1,A1,2024-01-11,200.00,USD,,
INVJ,INV,,SO10,J1,2024-01-12,10.00,EUR,,`;

// J1's commission, in EUR like the line: no EUR rate, so it waits with it.
const COMMISSIONS = `Commission_Id,Sales_Order_Id,Sales_Order_Item_Id,Commission_Date,Commission_Amount,Currency,Class
COMJ,SO10,J1,2024-01-12,5.00,EUR,New Business`;

const GENERAL_IMPORT = `Source,Transaction_ID,Split_Transaction_ID,Booked_Date,Recognition_Start_Date,Recognition_End_Date,Amount,Currency,Description
Stripe,A1,,,2024-02-01,,,,override without an end date`;

const EXCLUSIONS = `Transaction_ID
SO9`;

/** Expected stage entry per code: record type, key, status. */
const EXPECTED: ReadonlyArray<readonly [code: string, type: string, key: string, status: string]> = [
  ['MISSING_FIELD', 'orders', 'B1', 'error'],
  ['BAD_DATE', 'orders', 'C1', 'error'],
  ['BAD_NUMBER', 'orders', 'D1', 'error'],
  ['UNKNOWN_CURRENCY', 'orders', 'E1', 'error'],
  ['BAD_DOCUMENT_TYPE', 'invoices', 'BADT|A1', 'error'],
  ['BAD_SERVICE_PERIOD', 'orders', 'F1', 'error'],
  ['MISSING_SSP', 'orders', 'G1', 'error'],
  ['UNKNOWN_LINE', 'invoices', 'UNK|NOPE', 'error'],
  ['NO_CONTRACT_LINE', 'invoices', 'NOC|', 'error'],
  ['UNKNOWN_REFERENCE', 'invoices', 'IVC1|A1', 'error'],
  ['IVC_PARTIAL', 'invoices', 'IVC2|A1', 'error'],
  ['CMC_PARTIAL', 'invoices', 'CMC1|A1', 'error'],
  ['CM_EXCEEDS_BILLED', 'invoices', 'CM2|A1', 'error'],
  ['BAD_OVERRIDE', 'general_import', 'Stripe|A1|', 'error'],
  ['FX_PENDING', 'orders', 'J1', 'held'],
  // a document's and a commission's own missing rate (int_rate_lookups' requests by raw row)
  ['FX_PENDING', 'invoices', 'INVJ|J1', 'held'],
  ['FX_PENDING', 'commissions', 'COMJ', 'held'],
  ['FUTURE_PERIOD', 'orders', 'H1', 'held'],
  ['EXCLUDED', 'orders', 'X1', 'excluded'],
];

type StageRow = {
  type: string;
  key: string;
  code: string;
  status: string;
  file: string;
  row: string;
  message: string;
};

describe('stage-area codes through the models', () => {
  let fixture: ModelFixture;
  let failures: BuildFailure[];
  let stage: StageRow[];

  beforeAll(async () => {
    fixture = await openModelFixture({ first_period: 202401 });
    failures = await fixture.loadAndBuild(
      csvFile('orders_1.csv', ORDERS),
      csvFile('invoices_1.csv', INVOICES),
      csvFile('general_import_1.csv', GENERAL_IMPORT),
      csvFile('exclusions_1.csv', EXCLUSIONS),
      csvFile('commissions_1.csv', COMMISSIONS),
    );
    stage = await fixture.ledger.rows<StageRow>('SELECT type, key, code, status, file, "row", message FROM stage.stage_records ORDER BY file, "row"');
  }, 120_000);

  afterAll(async () => {
    await fixture?.dispose();
  });

  test('the build and its data tests pass', () => {
    expect(failures).toEqual([]);
  });

  test.each(EXPECTED)('%s: %s %s is staged as %s', (code, type, key, status) => {
    const entries = stage.filter((s) => s.type === type && s.key === key);
    expect(entries.map((e) => [e.code, e.status])).toEqual([[code, status]]);
    const entry = entries[0]!;
    expect(entry.file).toMatch(new RegExp(`${type}_1\\.csv$`));
    expect(Number(entry.row)).toBeGreaterThan(1);
    expect(entry.message.length).toBeGreaterThan(10);
  });

  test('the good records load: A1 is billed 100.00 and credited 30.00', async () => {
    const [row] = await fixture.ledger.rows<{ new_billing_txn: string; new_booking_txn: string }>(
      `SELECT new_billing_txn, new_booking_txn FROM marts.fct_line_periods WHERE sales_order_item_id = 'A1'`,
    );
    expect(row).toEqual({ new_billing_txn: '7000', new_booking_txn: '7000' });
  });

  test('every raw row has exactly one disposition', async () => {
    const dispositions = await fixture.ledger.rows<{ type: string; disposition: string; n: string }>(
      `SELECT type, disposition, count(*) AS n FROM marts.fct_input_row_dispositions GROUP BY ALL ORDER BY ALL`,
    );
    expect(dispositions).toEqual([
      { type: 'commissions', disposition: 'staged', n: '1' },
      { type: 'exclusions', disposition: 'current', n: '1' },
      { type: 'general_import', disposition: 'staged', n: '1' },
      { type: 'invoices', disposition: 'current', n: '2' },
      { type: 'invoices', disposition: 'staged', n: '8' },
      { type: 'orders', disposition: 'current', n: '1' },
      { type: 'orders', disposition: 'staged', n: '10' },
    ]);
  });
});
