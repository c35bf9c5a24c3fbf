import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { stateDatabase } from '../../../src/warehouse/kysely/state-database.js';
import { openEngineFixture, statuses } from './engine-harness.js';
import type { EngineFixture } from './engine-harness.js';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** orders (ids 1, 2, NULL) → checked → report; customers independent; tests of every kind on orders. */
const PROJECT = {
  'models/m/orders.sql': "{{config materialized='table'}}select * from (values (1, 'open', 10.00), (2, 'shipped', -5.00), (null, 'lost', 1.00)) t(id, status, amount)",
  'models/m/checked.sql': "select * from {{ref 'orders'}}",
  'models/m/report.sql': "select count(*) as n from {{ref 'checked'}}",
  'models/m/customers.sql': 'select 1 as id',
  'models/m/schema.yml': `
    models:
      - name: orders
        columns:
          - name: id
            tests:
              - not_null: {severity: warn}
              - unique
          - name: status
            tests:
              - accepted_values: {values: [open, shipped, lost]}
  `,
};

describe('data tests', () => {
  it('pass, fail and warn; failing rows land in audit.<test> and the table goes again once the test passes', async () => {
    fx = await openEngineFixture({
      ...PROJECT,
      'models/m/schema.yml': PROJECT['models/m/schema.yml'].trimEnd() + "\n        tests:\n          - expression: {expression: 'amount >= 0', name: amount_not_negative}\n",
    });
    await fx.build({ command: 'run' });
    const first = await fx.build({ command: 'test' });
    expect(statuses(first.byName)).toEqual({
      accepted_values_orders_status: 'pass',
      amount_not_negative: 'fail',
      not_null_orders_id: 'warn',
      unique_orders_id: 'pass',
    });
    expect(first.byName.amount_not_negative).toMatchObject({ failures: 1, message: 'FAIL: 1 failing row; see audit.amount_not_negative' });
    expect(first.byName.not_null_orders_id).toMatchObject({ failures: 1, message: 'WARN: 1 failing row; see audit.not_null_orders_id' });
    expect(await fx.rows('select id, status from audit.amount_not_negative')).toEqual([{ id: 2, status: 'shipped' }]);
    const auditTables = async () => (await fx!.rows<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'audit' order by 1")).map((r) => r.t);
    expect(await auditTables()).toEqual(['amount_not_negative', 'not_null_orders_id']);

    await fx.project.write({ 'models/m/orders.sql': "{{config materialized='table'}}select * from (values (1, 'open', 10.00), (2, 'shipped', 5.00)) t(id, status, amount)" });
    await fx.build({ command: 'run' });
    const second = await fx.build({ command: 'test' });
    expect(Object.values(statuses(second.byName))).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(await auditTables()).toEqual([]);
  });

  it('singular tests from data-tests/ run with their severity', async () => {
    fx = await openEngineFixture({
      ...PROJECT,
      'data-tests/no_lost_orders.sql': "select * from {{ref 'orders'}} where status = 'lost'",
      'data-tests/few_orders.sql': "-- severity: warn\nselect n from {{ref 'report'}} where n > 1",
    });
    const { byName } = await fx.build({ command: 'build' });
    expect(byName.no_lost_orders).toMatchObject({ status: 'fail', failures: 1 });
    // report is skipped (orders failed a test), so its singular test is skipped too.
    expect(byName.few_orders).toMatchObject({ status: 'skipped' });
  });

  it('unique over a combination of columns (NULLs group together)', async () => {
    fx = await openEngineFixture({
      'models/m/pairs.sql': 'select * from (values (1, 1), (1, 2), (2, null), (2, null)) t(a, b)',
      'models/m/schema.yml': 'models:\n  - name: pairs\n    tests:\n      - unique: {combination: [a, b]}\n',
    });
    const { byName } = await fx.build({ command: 'build' });
    expect(byName.unique_pairs_a__b).toMatchObject({ status: 'fail', failures: 1 });
    expect(await fx.rows('select a, b, n_records::int as n from audit.unique_pairs_a__b')).toEqual([{ a: 2, b: null, n: 2 }]);
  });

  it('a test that cannot run (bad SQL) is an error, not a pass', async () => {
    fx = await openEngineFixture({ 'models/m/a.sql': 'select 1 as id', 'data-tests/broken.sql': "select no_such_column from {{ref 'a'}}" });
    const { byName } = await fx.build({ command: 'build' });
    expect(byName.broken).toMatchObject({ status: 'error', message: expect.stringContaining('no_such_column') });
  });
});

describe('build: failures skip dependents, independent nodes go on', () => {
  it('an error-severity test failure skips everything downstream; a warning does not', async () => {
    fx = await openEngineFixture({
      ...PROJECT,
      'models/m/schema.yml': PROJECT['models/m/schema.yml'].replace('- unique', '- unique: {where: "id = 1 or id = 1"}').replace('values: [open, shipped, lost]', 'values: [open, shipped]'),
    });
    const { byName, result } = await fx.build({ command: 'build' });
    expect(statuses(byName)).toEqual({
      customers: 'success',
      orders: 'success',
      accepted_values_orders_status: 'fail',
      not_null_orders_id: 'warn',
      unique_orders_id: 'pass',
      checked: 'skipped',
      report: 'skipped',
    });
    expect(byName.checked).toMatchObject({ skipped_because: 'test.fixture.accepted_values_orders_status', message: 'skipped because test.fixture.accepted_values_orders_status failed' });
    expect(byName.report!.skipped_because).toBe('test.fixture.accepted_values_orders_status');
    expect(result!.results.map((r) => r.unique_id).indexOf('model.fixture.customers')).toBeGreaterThanOrEqual(0);
  });

  it('a failed model skips its dependents and their tests; run_results.json says why', async () => {
    fx = await openEngineFixture({ ...PROJECT, 'models/m/orders.sql': "{{config materialized='table'}}select * from missing_table" });
    const { byName, project } = await fx.build({ command: 'build' });
    expect(statuses(byName)).toEqual({
      customers: 'success',
      orders: 'error',
      accepted_values_orders_status: 'skipped',
      not_null_orders_id: 'skipped',
      unique_orders_id: 'skipped',
      checked: 'skipped',
      report: 'skipped',
    });
    expect(byName.orders!.message).toMatch(/^models\/m\/orders\.sql: Catalog Error: .*missing_table.* \(compiled SQL: target\/compiled\/models\/m\/orders\.sql\)$/s);
    const runResults = JSON.parse(await readFile(`${project.root}/target/run_results.json`, 'utf8'));
    expect(runResults.metadata).toMatchObject({ schema_version: 'revrec/run-results/v1', command: 'build' });
    expect(runResults.results.find((r: { unique_id: string }) => r.unique_id === 'model.fixture.report')).toMatchObject({
      status: 'skipped',
      skipped_because: 'model.fixture.orders',
    });
    const manifest = JSON.parse(await readFile(`${project.root}/target/manifest.json`, 'utf8'));
    expect(manifest.metadata).toMatchObject({ schema_version: 'revrec/manifest/v1', project_name: 'fixture' });
    expect(manifest.child_map['model.fixture.orders']).toContain('model.fixture.checked');
  });

  it('--fail-fast skips everything after the first failure', async () => {
    fx = await openEngineFixture({
      'models/m/a_bad.sql': 'select * from missing_table',
      'models/m/b_ok.sql': 'select 1 as id',
      'models/m/c_ok.sql': 'select 2 as id',
    });
    const normal = await fx.build({ command: 'run' });
    expect(statuses(normal.byName)).toEqual({ a_bad: 'error', b_ok: 'success', c_ok: 'success' });
    const fast = await fx.build({ command: 'run', failFast: true });
    expect(statuses(fast.byName)).toEqual({ a_bad: 'error', b_ok: 'skipped', c_ok: 'skipped' });
    expect(fast.byName.c_ok!.skipped_because).toBe('model.fixture.a_bad');
  });

  it('dry run prints the plan and touches nothing', async () => {
    fx = await openEngineFixture(PROJECT);
    const outcome = await fx.build({ command: 'build', dryRun: true, select: ['+checked'] });
    expect(outcome.result).toBeUndefined();
    expect(outcome.reporter.results[0]!.text).toMatch(/^Plan for build: 5 step\(s\)\n/);
    expect(await fx.rows("select * from information_schema.tables where table_schema = 'm'")).toEqual([]);
  });
});

describe('artifacts', () => {
  it('an absolute target_path is used as it is', async () => {
    const target = `${tmpdir()}/revrec-abs-target-${process.pid}-${Date.now()}`;
    fx = await openEngineFixture({ 'models/m/a.sql': 'select 1 as id' }, { pipelineExtra: `target_path: ${target}\n` });
    try {
      await fx.build({ command: 'run' });
      expect(existsSync(`${target}/manifest.json`)).toBe(true);
      expect(existsSync(`${target}/run_results.json`)).toBe(true);
      expect(existsSync(`${target}/compiled/models/m/a.sql`)).toBe(true);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});

describe('run history', () => {
  it('one row per invocation, written through the Kysely dialect', async () => {
    fx = await openEngineFixture({ 'models/m/a.sql': 'select 1 as id', 'models/m/bad.sql': 'select * from nope' });
    const clock = () => new Date('2024-03-31T22:15:00.000Z');
    const outcome = await fx.build({ command: 'run', invocationId: 'inv-1', clock, select: ['a'] });
    expect(outcome.result!.metadata.invocation_id).toBe('inv-1');
    await fx.build({ command: 'run', invocationId: 'inv-2' });
    const rows = await stateDatabase(fx.wh).selectFrom('meta.run_history').selectAll().orderBy('invocation_id').execute();
    expect(rows).toEqual([
      {
        invocation_id: 'inv-1',
        command: 'run',
        args: JSON.stringify({ select: ['a'], exclude: [], full_refresh: false, fail_fast: false, vars: {} }),
        started_at: '2024-03-31 22:15:00',
        finished_at: '2024-03-31 22:15:00',
        status: 'success',
        nodes_total: 1,
        nodes_failed: 0,
        nodes_warned: 0,
        pid: process.pid,
        host: expect.any(String),
      },
      expect.objectContaining({ invocation_id: 'inv-2', status: 'error', nodes_total: 2, nodes_failed: 1 }),
    ]);
  });
});
