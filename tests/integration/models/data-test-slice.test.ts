/**
 * A daily build checks only what it recomputed (src/periods/test-slice.ts): the line-level data tests take the lines
 * of the build's slice when the previous complete build passed every test, and every line otherwise.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { csvFile, openModelFixture, smallBooks } from '../../support/oracle-sql/model-fixture.js';
import type { ModelFixture } from '../../support/oracle-sql/model-fixture.js';

const SLICED = ['backlog_ends_at_zero', 'journals_identities', 'schedule_sums_to_final_price'];

describe('data tests of a daily build', () => {
  let fixture: ModelFixture;
  /** Per data test of the latest build: its status and message. */
  const tests = () =>
    Object.fromEntries(fixture.ledger.lastResults.filter((r) => r.kind === 'test').map((r) => [r.unique_id.split('.').at(-1)!, `${r.status}: ${r.message}`]));
  const passedHash = async () => (await fixture.ledger.rows<{ h: string | null }>('SELECT tests_passed_hash AS h FROM meta.build_state'))[0]!.h;

  beforeAll(async () => {
    fixture = await openModelFixture({ first_period: 202401 });
  }, 60_000);

  afterAll(async () => {
    await fixture?.dispose();
  });

  test('the first build checks every line, and records that every test passed', async () => {
    expect(await fixture.loadAndBuild(...smallBooks())).toEqual([]);
    expect(Object.values(tests()).every((m) => m === 'pass: PASS')).toBe(true);
    expect(await passedHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the next build checks only the lines it recomputed with the line-level tests, the others every row', async () => {
    // An invoice of SO2: the slice is SO2's one line.
    expect(await fixture.loadAndBuild(csvFile('invoices_2.csv', `Invoice_Number,Document_Type,Reference_Document,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency
I2,INV,,SO2,B1,2024-01-10,50.00,USD`))).toEqual([]);
    const results = tests();
    for (const name of SLICED) expect(results[name], name).toMatch(/^pass: PASS \(checked the 1 line\(s\) this build recomputed; the previous build passed every test\)$/);
    for (const [name, message] of Object.entries(results)) if (!SLICED.includes(name)) expect(message, name).toBe('pass: PASS');
  });

  test('after a build with a failed test, the next build checks every line again', async () => {
    // A hand edit outside any slice: rollforward_identity (which always checks every row) fails, the build records
    // that not every test passed.
    await fixture.ledger.wh.run(`UPDATE marts.fct_line_current SET end_unearned_home = end_unearned_home + 1 WHERE sales_order_item_id = 'A1'`);
    const failed = await fixture.ledger.build();
    expect(failed.map((f) => f.node.split('.').at(-1))).toEqual(['rollforward_identity']);
    expect(await passedHash()).toBeNull();
    await fixture.ledger.wh.run(`UPDATE marts.fct_line_current SET end_unearned_home = end_unearned_home - 1 WHERE sales_order_item_id = 'A1'`);
    expect(await fixture.ledger.build()).toEqual([]);
    expect(Object.values(tests()).every((m) => m === 'pass: PASS')).toBe(true);
    expect(await passedHash()).not.toBeNull();
    // Nothing landed since: the slice is empty, and no line is checked again.
    expect(await fixture.ledger.build()).toEqual([]);
    expect(tests().journals_identities).toMatch(/checked the 0 line\(s\)/);
  });

  test('a changed data test checks every line once', async () => {
    await fixture.ledger.wh.run(`UPDATE meta.build_state SET tests_passed_hash = 'another test set'`);
    expect(await fixture.ledger.build()).toEqual([]);
    expect(tests().journals_identities).toBe('pass: PASS');
  });
});
