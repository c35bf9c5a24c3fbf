/**
 * Staging replaces rows by slot on a daily build (delete+insert by `record_key, _status_key`): a keyed row's slot is
 * its record key, a row without a key is its own slot. A keyless bad row landed on an earlier day must survive a
 * later day's keyless bad rows (one NULL key must not replace every other), and a re-sent key replaces only its own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { csvFile, openModelFixture } from '../../support/oracle-sql/model-fixture.js';
import type { ModelFixture } from '../../support/oracle-sql/model-fixture.js';
import type { BuildFailure } from '../../support/oracle-sql/sql-ledger.js';

const HEADER = 'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date';

const DAY_1 = `${HEADER}
SO1,A1,C1,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO2,,C1,P-X,2024-01-01,1,,100.00,,USD,2024-01-01,2024-12-31
SO4,B1,C1,P-X,2024-01-01,1,,80.00,,USD,2024-01-01,2024-12-31`;

// A1 is sent again with a new price (B1 is not); another row arrives without its item id.
const DAY_2 = `${HEADER}
SO1,A1,C1,P-X,2024-01-01,1,,120.00,,USD,2024-01-01,2024-12-31
SO3,,C1,P-X,2024-01-02,1,,50.00,,USD,2024-01-02,2024-12-31`;

type Staged = { file: string; row: string; code: string; status: string };
type StagingRow = { _file: string; record_key: string | null; row_status: string };

describe('staging slots across daily builds', () => {
  let fixture: ModelFixture;
  const failures: BuildFailure[] = [];

  beforeAll(async () => {
    fixture = await openModelFixture({ first_period: 202401 });
    failures.push(...(await fixture.loadAndBuild(csvFile('orders_1.csv', DAY_1))));
    failures.push(...(await fixture.loadAndBuild(csvFile('orders_2.csv', DAY_2))));
  }, 120_000);

  afterAll(async () => {
    await fixture?.dispose();
  });

  test('both builds pass', () => {
    expect(failures).toEqual([]);
  });

  test("the first day's keyless row stays in the stage area beside the second day's", async () => {
    const staged = await fixture.ledger.rows<Staged>(
      `SELECT regexp_extract(file, '[^/]+$') AS file, CAST("row" AS VARCHAR) AS "row", code, status FROM stage.stage_records WHERE type = 'orders' ORDER BY file, "row"`,
    );
    expect(staged).toEqual([
      { file: 'orders_1.csv', row: '3', code: 'MISSING_FIELD', status: 'error' },
      { file: 'orders_2.csv', row: '3', code: 'MISSING_FIELD', status: 'error' },
    ]);
  });

  test('a re-sent key replaces only its own rows (the older version superseded, not gone); other keys stay', async () => {
    const rows = await fixture.ledger.rows<StagingRow>(
      `SELECT regexp_extract(_file, '[^/]+$') AS _file, record_key, row_status FROM staging.stg_orders ORDER BY _version, _row`,
    );
    expect(rows).toEqual([
      { _file: 'orders_1.csv', record_key: 'A1', row_status: 'superseded' },
      { _file: 'orders_1.csv', record_key: null, row_status: 'error' },
      { _file: 'orders_1.csv', record_key: 'B1', row_status: 'current' },
      { _file: 'orders_2.csv', record_key: 'A1', row_status: 'current' },
      { _file: 'orders_2.csv', record_key: null, row_status: 'error' },
    ]);
  });
});
