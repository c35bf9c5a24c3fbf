/**
 * The data tests of data-tests/ run in every build and catch what they are meant to catch: a broken rollforward
 * identity, journals that stop moving with their balances, a raw row that a stage deletion accounts for.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openModelFixture, smallBooks } from '../../support/oracle-sql/model-fixture.js';
import type { ModelFixture } from '../../support/oracle-sql/model-fixture.js';
import { SILENT_REPORTER } from '../../support/oracle-sql/sql-ledger.js';
import { runBuild } from '../../../src/run/invocation.js';


const DATA_TESTS = [
  'allocation_sums_to_order_price',
  'schedule_sums_to_final_price',
  'rollforward_identity',
  'journals_identities',
  'backlog_ends_at_zero',
  'input_rows_accounted_for',
  'input_row_counts',
];

describe('data tests on the marts', () => {
  let fixture: ModelFixture;

  beforeAll(async () => {
    fixture = await openModelFixture({ first_period: 202401 });
    expect(await fixture.loadAndBuild(...smallBooks())).toEqual([]);
    expect(await fixture.close()).toEqual([]);
    expect(await fixture.ledger.build()).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await fixture?.dispose();
  });

  /** `revrec test --select <name>` on the fixture: [name, status] of each result. */
  const runOneTest = async (name: string): Promise<[string | undefined, string][]> => {
    const outcome = await runBuild({
      command: 'test',
      projectDir: fixture.ledger.projectDir,
      select: [name],
      reporter: SILENT_REPORTER,
      warehouse: fixture.ledger.wh,
      clock: () => new Date(0),
    });
    return outcome.result!.results.map((r) => [r.unique_id.split('.').at(-1), r.status]);
  };

  test('every data test runs in a build and passes', () => {
    const tests = fixture.ledger.lastResults.filter((r) => r.kind === 'test');
    for (const name of DATA_TESTS) {
      const result = tests.find((r) => r.unique_id.endsWith(`.${name}`));
      expect(result, name).toBeDefined();
      expect(result!.status, name).toBe('pass');
    }
  });

  test('a staged row dropped with `stage rm` is accounted for as deleted', async () => {
    const [staged] = await fixture.ledger.rows<{ _version: string; _file: string; _row: string }>(
      `SELECT _version, _file, _row FROM marts.fct_input_row_dispositions WHERE type = 'orders' AND record_key = 'B1'`,
    );
    await fixture.ledger.wh.run(
      `INSERT INTO meta.stage_deletions (record_type, _version, _file, _row, record_key, code, deleted_at) VALUES ('orders', ${staged!._version}, '${staged!._file}', ${staged!._row}, 'B1', 'MISSING_FIELD', now())`,
    );
    expect(await fixture.ledger.build()).toEqual([]);
    const rows = await fixture.ledger.rows<{ record_key: string; disposition: string }>(
      `SELECT record_key, disposition FROM marts.fct_input_row_dispositions WHERE type = 'orders' ORDER BY record_key`,
    );
    expect(rows).toEqual([
      { record_key: 'A1', disposition: 'current' },
      { record_key: 'A2', disposition: 'current' },
      { record_key: 'B1', disposition: 'deleted' },
    ]);
  });

  test('a stage entry of no raw row fails input_rows_accounted_for', async () => {
    // A hand edit: an unreadable row appears in raw.rejected_rows without a build. The stage area lists it at once (a
    // view); the dispositions, built before it, do not: the test names the entry.
    await fixture.ledger.wh.run(
      `INSERT INTO raw.rejected_rows (type, _version, _source, _file, _row, code, message, raw_text)
       VALUES ('orders', 999, 'inbox', 'orders_hand.csv', 7, 'BAD_ROW', 'a row no build has seen', 'x')`,
    );
    expect(await runOneTest('input_rows_accounted_for')).toEqual([['input_rows_accounted_for', 'fail']]);
    const failures = await fixture.ledger.rows<{ type: string; _file: string; _row: string; problem: string }>(
      `SELECT type, _file, _row, problem FROM audit.input_rows_accounted_for`,
    );
    expect(failures).toEqual([{ type: 'orders', _file: 'orders_hand.csv', _row: '7', problem: 'stage entry of no raw row' }]);
    await fixture.ledger.wh.run(`DELETE FROM raw.rejected_rows WHERE _file = 'orders_hand.csv'`);
  });

  test('journals that stop moving with their balances fail journals_identities', async () => {
    // Ending unearned revenue one cent off: the journals (a function of the rollforward's movements) no longer explain
    // the change of the balance. The next test rebuilds everything, so the hand edit does not outlive this one.
    await fixture.ledger.wh.run(`UPDATE marts.fct_line_current SET end_unearned_home = end_unearned_home + 1 WHERE sales_order_item_id = 'A1'`);
    expect(await runOneTest('journals_identities')).toEqual([['journals_identities', 'fail']]);
    const failures = await fixture.ledger.rows<{ line_key: string; failed_identity: string }>(`SELECT line_key, failed_identity FROM audit.journals_identities`);
    expect(failures).toEqual([{ line_key: expect.stringContaining('A1'), failed_identity: 'moves with balances' }]);
  });

  test('a frozen base that breaks the rollforward identity of the current period fails rollforward_identity and holds back the journals', async () => {
    // Closed rows were checked while they were current; the current period's rows start from the frozen state.
    // A hand edit of a meta table is no landed input, so a daily build would not recompute the line: rebuild it all.
    await fixture.ledger.wh.run(`UPDATE meta.frozen_line_state SET net_txn = net_txn + 1 WHERE sales_order_item_id = 'A1'`);
    const failures = await fixture.ledger.build(true);
    expect(failures.map((f) => f.node.split('.').at(-1))).toEqual(['rollforward_identity']);
    // dbt build semantics: a failed test on fct_line_current skips what reads it (journals and their tests).
    const status = (name: string) => fixture.ledger.lastResults.find((r) => r.unique_id.endsWith(`.${name}`))?.status;
    expect(status('fct_journal_lines')).toBe('skipped');
    expect(status('journals_identities')).toBe('skipped');
  });
});
