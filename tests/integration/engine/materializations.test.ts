import { afterEach, describe, expect, it } from 'vitest';
import { SqlProbe } from '../../../bench/support/sql-probe.js';
import { compileRequest } from '../../../src/run/invocation.js';
import { openEngineFixture, statuses } from './engine-harness.js';
import type { EngineFixture } from './engine-harness.js';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const relations = async (f: EngineFixture) =>
  (await f.rows<{ r: string }>(`SELECT table_schema || '.' || table_name || ':' || table_type AS r FROM information_schema.tables WHERE table_schema NOT IN ('meta') ORDER BY 1`)).map((x) => x.r);

describe('materializations', () => {
  it('view, table and ephemeral, one schema per layer', async () => {
    fx = await openEngineFixture({
      'models/staging/stg_a.sql': 'select 1 as id union all select 2',
      'models/intermediate/int_e.sql': "{{config materialized='ephemeral'}}select id * 10 as id from {{ref 'stg_a'}}",
      'models/marts/fct.sql': "{{config materialized='table'}}with x as (select * from {{ref 'int_e'}}) select * from x",
    });
    const { byName } = await fx.build({ command: 'run' });
    expect(statuses(byName)).toEqual({ stg_a: 'success', fct: 'success' });
    expect(byName.fct).toMatchObject({ rows_affected: 2, message: 'CREATE TABLE (2 rows)' });
    expect(await relations(fx)).toEqual(['marts.fct:BASE TABLE', 'staging.stg_a:VIEW']);
    expect(await fx.rows('select id from marts.fct order by id')).toEqual([{ id: 10 }, { id: 20 }]);
  });

  it('compute_in_temp: a table or a full incremental build written from a TEMP table, the same rows and types, no TEMP table left', async () => {
    const query = "select range as id, 'n' || range as name, CAST(range AS DECIMAL(18,2)) / 3 as amount from range(3)";
    fx = await openEngineFixture({
      'models/m/t.sql': `{{config materialized='table' compute_in_temp=true}}${query}`,
      'models/m/inc.sql': `{{config materialized='incremental' unique_key='id' compute_in_temp=true}}${query}`,
      'models/m/plain.sql': `{{config materialized='table'}}${query}`,
    });
    const probe = new SqlProbe().install();
    probe.enabled = true;
    let byName: Awaited<ReturnType<EngineFixture['build']>>['byName'];
    try {
      ({ byName } = await fx.build({ command: 'run' }));
    } finally {
      probe.uninstall();
    }
    expect(statuses(byName)).toEqual({ t: 'success', inc: 'success', plain: 'success' });
    expect(byName.t).toMatchObject({ rows_affected: 3, message: 'CREATE TABLE (3 rows)' });
    // the two that ask for it went through a TEMP table, the plain one did not
    const staged = probe.statements.map((st) => /^CREATE OR REPLACE TEMP TABLE "revrec_rows__m__(\w+)"/.exec(st.sql)?.[1]).filter(Boolean);
    expect(staged.sort()).toEqual(['inc', 't']);
    const columns = (name: string) => fx!.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'm' AND table_name = '${name}' ORDER BY ordinal_position`);
    for (const name of ['t', 'inc']) {
      expect(await columns(name)).toEqual(await columns('plain'));
      expect(await fx.rows(`SELECT * FROM m.${name} EXCEPT ALL SELECT * FROM m.plain`)).toEqual([]);
      expect(await fx.rows(`SELECT * FROM m.plain EXCEPT ALL SELECT * FROM m.${name}`)).toEqual([]);
    }
    expect(await fx.rows("SELECT table_name FROM duckdb_tables() WHERE temporary OR table_name LIKE '%revrec%'")).toEqual([]);
  });

  it('compute_in_temp is refused on a view', async () => {
    fx = await openEngineFixture({ 'models/m/v.sql': "{{config materialized='view' compute_in_temp=true}}select 1 as id" });
    await expect(compileRequest({ projectDir: fx.project.dir, env: {} })).rejects.toThrow(/compute_in_temp applies to table and incremental models, not to view models/);
  });

  it('switches a relation between view and table in either direction', async () => {
    fx = await openEngineFixture({ 'models/m/x.sql': 'select 1 as id' });
    await fx.build({ command: 'run' });
    await fx.project.write({ 'models/m/x.sql': "{{config materialized='table'}}select 2 as id" });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ x: 'success' });
    expect(await relations(fx)).toEqual(['m.x:BASE TABLE']);
    await fx.project.write({ 'models/m/x.sql': 'select 3 as id' });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ x: 'success' });
    expect(await relations(fx)).toEqual(['m.x:VIEW']);
    expect(await fx.rows('select * from m.x')).toEqual([{ id: 3 }]);
  });

  it('writes descriptions as COMMENT ON, visible in duckdb_tables(), duckdb_views() and duckdb_columns()', async () => {
    fx = await openEngineFixture({
      'models/m/t.sql': "{{config materialized='table'}}select 1 as id, 'x' as name",
      'models/m/v.sql': "select * from {{ref 't'}}",
      'models/m/schema.yml': `
        models:
          - name: t
            description: "Orders, one row per order (it's documented)"
            columns:
              - name: id
                description: Order id
              - name: not_there
                description: documented but absent
          - name: v
            description: A view
            columns:
              - name: name
                description: Customer name
      `,
    });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ t: 'success', v: 'success' });
    expect(await fx.rows("select comment from duckdb_tables() where schema_name = 'm' and table_name = 't'")).toEqual([{ comment: "Orders, one row per order (it's documented)" }]);
    expect(await fx.rows("select comment from duckdb_views() where schema_name = 'm' and view_name = 'v'")).toEqual([{ comment: 'A view' }]);
    expect(await fx.rows("select table_name, column_name, comment from duckdb_columns() where schema_name = 'm' and comment is not null order by 1, 2")).toEqual([
      { table_name: 't', column_name: 'id', comment: 'Order id' },
      { table_name: 'v', column_name: 'name', comment: 'Customer name' },
    ]);
    // Rebuilt tables keep their comments (they are written inside the swap).
    await fx.build({ command: 'run', select: ['t'] });
    expect(await fx.rows("select comment from duckdb_columns() where schema_name = 'm' and table_name = 't' and column_name = 'id'")).toEqual([{ comment: 'Order id' }]);
  });

  it('a failing rebuild never replaces the good table, and leaves no temp table behind', async () => {
    fx = await openEngineFixture({ 'models/m/t.sql': "{{config materialized='table'}}select 1 as id" });
    await fx.build({ command: 'run' });
    await fx.project.write({ 'models/m/t.sql': "{{config materialized='table'}}select 1 as id union all select error('boom')" });
    const { byName } = await fx.build({ command: 'run' });
    expect(byName.t).toMatchObject({ status: 'error', message: expect.stringContaining('boom') });
    expect(await fx.rows('select * from m.t')).toEqual([{ id: 1 }]);
    expect(await relations(fx)).toEqual(['m.t:BASE TABLE']);
  });

  it('a temp table left by a crashed run is dropped before the next build', async () => {
    fx = await openEngineFixture({ 'models/m/t.sql': "{{config materialized='table'}}select 2 as id" });
    await fx.wh.run('create schema m; create table m.t__revrec_tmp as select 99 as junk');
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ t: 'success' });
    expect(await relations(fx)).toEqual(['m.t:BASE TABLE']);
    expect(await fx.rows('select * from m.t')).toEqual([{ id: 2 }]);
  });

  it('a reader on another connection sees the old or the new table during a rebuild, never a partial or missing one', async () => {
    const model = (n: number) => `{{config materialized='table'}}select i as id from range(${n}) t(i)`;
    fx = await openEngineFixture({ 'models/m/big.sql': model(200_000) });
    await fx.build({ command: 'run' });
    const reader = await fx.connect();
    try {
      await fx.project.write({ 'models/m/big.sql': model(1_500_000) });
      const seen = new Set<string>();
      const errors: string[] = [];
      let done = false;
      const polling = (async () => {
        while (!done) {
          try {
            const r = await reader.runAndReadAll('select count(*)::varchar as n from m.big');
            seen.add(String(r.getRowsJson()[0]![0]));
          } catch (error) {
            errors.push((error as Error).message);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const { byName } = await fx.build({ command: 'run' });
      done = true;
      await polling;
      expect(byName.big!.status).toBe('success');
      expect(errors).toEqual([]);
      expect([...seen].every((n) => n === '200000' || n === '1500000')).toBe(true);
      expect(seen.has('200000')).toBe(true);
      const after = await reader.runAndReadAll('select count(*)::varchar from m.big');
      expect(after.getRowsJson()[0]![0]).toBe('1500000');
    } finally {
      reader.closeSync();
    }
  });

  it('a view is created again only when what it is made of changed, or someone replaced it', async () => {
    fx = await openEngineFixture({
      'models/m/t.sql': "{{config materialized='table'}}select 1 as id",
      'models/m/v.sql': "select id from {{ref 't'}}",
      'models/m/schema.yml': 'models:\n  - name: v\n    description: ids\n',
    });
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ status: 'success', message: 'CREATE VIEW' });
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ status: 'success', message: 'VIEW (unchanged, kept)' });
    // a changed upstream model changes the project: the view is bound again to its new columns
    await fx.project.write({ 'models/m/t.sql': "{{config materialized='table'}}select 1 as id, 'a' as name" });
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ message: 'CREATE VIEW' });
    // a (documented) view replaced by hand is put back
    await fx.wh.run('create or replace view m.v as select 99 as id');
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ message: 'CREATE VIEW' });
    expect(await fx.rows('select id from m.v')).toEqual([{ id: 1 }]);
    // so is a dropped one, and --full-refresh creates every view again
    await fx.wh.run('drop view m.v');
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ message: 'CREATE VIEW' });
    expect((await fx.build({ command: 'run', fullRefresh: true })).byName.v).toMatchObject({ message: 'CREATE VIEW' });
    // a changed description changes the comments it carries
    await fx.project.write({ 'models/m/schema.yml': 'models:\n  - name: v\n    description: the ids\n' });
    expect((await fx.build({ command: 'run' })).byName.v).toMatchObject({ message: 'CREATE VIEW' });
    expect(await fx.rows("select comment from duckdb_views() where view_name = 'v'")).toEqual([{ comment: 'the ids' }]);
  });

  it('pre- and post-hooks run around the model', async () => {
    fx = await openEngineFixture({
      'models/m/t.sql': "{{config materialized='table' pre_hook='create table if not exists m.hook_log (msg varchar)' post_hook=\"insert into m.hook_log values ('after')\"}}select 1 as id",
    });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ t: 'success' });
    expect(await fx.rows('select msg from m.hook_log')).toEqual([{ msg: 'after' }]);
  });

  it('a hook that turns a later model\'s table into a view: the build asks the catalog again (it caches it per build)', async () => {
    fx = await openEngineFixture({
      'models/m/a.sql': "{{config materialized='table'}}select 1 as id",
      'models/m/b.sql': "{{config materialized='table'}}select id + 1 as id from {{ref 'a'}}",
    });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ a: 'success', b: 'success' });
    // the build reads the catalog when a asks (b is a table then); a's hook makes b a view before b runs
    await fx.project.write({
      'models/m/a.sql': "{{config materialized='table' post_hook='drop table m.b; create view m.b as select 0 as id'}}select 1 as id",
    });
    expect(statuses((await fx.build({ command: 'run' })).byName)).toEqual({ a: 'success', b: 'success' });
    expect(await relations(fx)).toEqual(['m.a:BASE TABLE', 'm.b:BASE TABLE']);
    expect(await fx.rows('select id from m.b')).toEqual([{ id: 2 }]);
  });
});
