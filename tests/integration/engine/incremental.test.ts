import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../../src/errors.js';
import { compileRequest } from '../../../src/run/invocation.js';
import { materializeModel } from '../../../src/warehouse/materializations/model-materializer.js';
import { openEngineFixture, statuses } from './engine-harness.js';
import type { EngineFixture } from './engine-harness.js';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const SOURCES = {
  'sources/raw.yml': 'sources:\n  - name: raw\n    tables:\n      - name: events\n',
};

/** Replaces raw.events with these rows: `[id, day, amount]`, id may be null. */
async function setEvents(f: EngineFixture, rows: [number | null, number, string][]): Promise<void> {
  const values = rows.map(([id, day, amount]) => `(${id ?? 'NULL'}, ${day}, ${amount}::DECIMAL(18,2))`).join(', ');
  await f.wh.run(`create schema if not exists raw; create or replace table raw.events (id INTEGER, day INTEGER, amount DECIMAL(18,2)); insert into raw.events values ${values}`);
}

const model = (config: string, incrementalFilter = 'where day > (select coalesce(max(day), -1) from {{this}})') =>
  `{{config materialized='incremental' ${config}}}
  select id, day, amount from {{source 'raw' 'events'}}
  {{#if (is_incremental)}}${incrementalFilter}{{/if}}`;

const contents = (f: EngineFixture) => f.rows('select id, day, amount from m.inc order by id nulls last, day, amount');

describe('incremental models', () => {
  it('append: the first run builds, later runs insert only the new rows', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("incremental_strategy='append'") });
    await setEvents(fx, [[1, 1, '1.10'], [2, 1, '2.20']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'create incremental', rows_affected: 2 });
    await setEvents(fx, [[1, 1, '1.10'], [2, 1, '2.20'], [3, 2, '3.30']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'incremental append', rows_affected: 1, message: 'APPEND 1 rows' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.10' },
      { id: 2, day: 1, amount: '2.20' },
      { id: 3, day: 2, amount: '3.30' },
    ]);
  });

  it('merge: updates matching keys and inserts new ones; a NULL key is one key, not a new row each run', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='id'", '') });
    await setEvents(fx, [[1, 1, '1.00'], [null, 1, '9.00']]);
    await fx.build({ command: 'run' });
    await setEvents(fx, [[1, 2, '1.50'], [2, 2, '2.00'], [null, 2, '9.50']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'incremental merge', rows_affected: 3 });
    await fx.build({ command: 'run' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 2, amount: '1.50' },
      { id: 2, day: 2, amount: '2.00' },
      { id: null, day: 2, amount: '9.50' },
    ]);
    const types = await fx.rows("select data_type from duckdb_columns() where schema_name = 'm' and table_name = 'inc' and column_name = 'amount'");
    expect(types).toEqual([{ data_type: 'DECIMAL(18,2)' }]);
  });

  it('merge pairs columns by name: a model that reorders its columns does not shift values into other columns', async () => {
    fx = await openEngineFixture({ 'models/m/inc.sql': "{{config materialized='incremental' unique_key='id'}}select '1' as id, 'a' as v, 'x' as w" });
    await fx.build({ command: 'run' });
    await fx.project.write({ 'models/m/inc.sql': "{{config materialized='incremental' unique_key='id'}}select 'b' as v, 'y' as w, '1' as id union all select 'c', 'z', '2'" });
    expect((await fx.build({ command: 'run' })).byName.inc!.status).toBe('success');
    expect(await fx.rows('select id, v, w from m.inc order by id')).toEqual([
      { id: '1', v: 'b', w: 'y' },
      { id: '2', v: 'c', w: 'z' },
    ]);
  });

  it('merge on a composite key', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='id,day'", '') });
    await setEvents(fx, [[1, 1, '1.00'], [1, 2, '2.00']]);
    await fx.build({ command: 'run' });
    await setEvents(fx, [[1, 2, '2.50'], [1, 3, '3.00']]);
    await fx.build({ command: 'run' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 1, day: 2, amount: '2.50' },
      { id: 1, day: 3, amount: '3.00' },
    ]);
  });

  it('merge: new rows repeating the unique_key are a clear error and change nothing', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='id'", '') });
    await setEvents(fx, [[1, 1, '1.00']]);
    await fx.build({ command: 'run' });
    await setEvents(fx, [[1, 2, '2.00'], [1, 3, '3.00'], [2, 2, '1.00']]);
    const { byName } = await fx.build({ command: 'run' });
    expect(byName.inc!.status).toBe('error');
    expect(byName.inc!.message).toContain('new rows of "m"."inc" repeat the unique_key (id)');
    expect(byName.inc!.message).toContain('"id":1');
    expect(await contents(fx)).toEqual([{ id: 1, day: 1, amount: '1.00' }]);
    expect(await fx.rows("select table_name from information_schema.tables where table_schema = 'm' order by 1")).toEqual([{ table_name: 'inc' }]);
  });

  it('delete+insert replaces every row of a key (the key may repeat, e.g. a day partition)', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='day' incremental_strategy='delete+insert'", 'where day >= 2') });
    await setEvents(fx, [[1, 1, '1.00'], [2, 2, '2.00'], [3, 2, '3.00']]);
    await fx.build({ command: 'run' });
    await setEvents(fx, [[1, 1, '7.00'], [4, 2, '4.00'], [5, 3, '5.00'], [6, 3, '6.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'incremental delete+insert', rows_affected: 3 });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 4, day: 2, amount: '4.00' },
      { id: 5, day: 3, amount: '5.00' },
      { id: 6, day: 3, amount: '6.00' },
    ]);
  });

  it('a changed column list is a clear error with a --full-refresh hint; --full-refresh rebuilds', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='id'", '') });
    await setEvents(fx, [[1, 1, '1.00']]);
    await fx.build({ command: 'run' });
    await fx.project.write({ 'models/m/inc.sql': model("unique_key='id'", '').replace('amount from', "amount, 'new' as extra from") });
    const failed = await fx.build({ command: 'run' });
    expect(failed.byName.inc!.status).toBe('error');
    expect(failed.byName.inc!.message).toMatch(/the columns of "m"\."inc" changed \(\+extra\).*revrec run --select inc --full-refresh/);
    const refreshed = await fx.build({ command: 'run', fullRefresh: true });
    expect(refreshed.byName.inc).toMatchObject({ status: 'success', action: 'full refresh incremental', message: 'FULL REFRESH (1 rows)' });
    expect(await fx.rows('select extra from m.inc')).toEqual([{ extra: 'new' }]);
  });

  it('--full-refresh rebuilds from scratch, except models with full_refresh=false', async () => {
    fx = await openEngineFixture({
      ...SOURCES,
      'models/m/inc.sql': model("incremental_strategy='append'"),
      'models/m/keep.sql': "{{config materialized='incremental' full_refresh=false}}select * from {{ref 'inc'}}{{#if (is_incremental)}} where false{{/if}}",
    });
    await setEvents(fx, [[1, 1, '1.00']]);
    await fx.build({ command: 'run' });
    await fx.wh.run('insert into m.inc values (99, 0, 0)');
    await setEvents(fx, [[1, 1, '1.00'], [2, 5, '2.00']]);
    const { byName } = await fx.build({ command: 'run', fullRefresh: true });
    expect(statuses(byName)).toEqual({ inc: 'success', keep: 'success' });
    expect(byName.keep!.action).toBe('incremental append');
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 2, day: 5, amount: '2.00' },
    ]);
    expect(await fx.rows('select count(*)::int as n from m.keep')).toEqual([{ n: 1 }]);
  });

  it('full_refresh_if: a query (with refs) asked before each incremental run; true rebuilds the table, false runs the incremental SQL', async () => {
    fx = await openEngineFixture({
      ...SOURCES,
      'models/m/rebuild_flag.sql': "{{config materialized='table'}}select count(*) > 2 as rebuild from {{source 'raw' 'events'}}",
      'models/m/inc.sql': model(`unique_key='id' full_refresh_if=(concat "select rebuild from " (ref "rebuild_flag"))`, 'where day >= 2'),
    });
    await setEvents(fx, [[1, 1, '1.00'], [2, 1, '2.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', message: 'CREATE TABLE (2 rows)' });
    // Two rows: the flag is false, so only day >= 2 is merged (row 1's new amount stays unseen).
    await setEvents(fx, [[1, 1, '1.50'], [2, 2, '2.50']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', message: 'MERGE 1 rows' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 2, day: 2, amount: '2.50' },
    ]);
    // Three rows: the flag is true, so the table is rebuilt from the full SQL, row 1 included.
    await setEvents(fx, [[1, 1, '1.50'], [2, 2, '2.50'], [3, 1, '3.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', message: 'FULL REFRESH (full_refresh_if) (3 rows)' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.50' },
      { id: 2, day: 2, amount: '2.50' },
      { id: 3, day: 1, amount: '3.00' },
    ]);
    // A query that does not answer true or false is an error naming the model.
    await fx.project.write({ 'models/m/rebuild_flag.sql': "{{config materialized='table'}}select 'yes' as rebuild" });
    const failed = await fx.build({ command: 'run' });
    expect(failed.byName.inc).toMatchObject({ status: 'error' });
    expect(failed.byName.inc!.message).toMatch(/full_refresh_if of "m"\."inc" returned "yes", not true or false/);
  });

  it('replace_where: the slice the predicate (with refs) matches is replaced, rows gone from it disappear, rows outside it stay', async () => {
    fx = await openEngineFixture({
      ...SOURCES,
      'models/m/dirty_days.sql': "{{config materialized='table'}}select distinct day from {{source 'raw' 'events'}} where id is null",
      'models/m/inc.sql': model(
        `incremental_strategy='replace_where' replace_where=(concat "day in (select day from " (ref "dirty_days") ")")`,
        "where day in (select day from {{ref 'dirty_days'}}) and id is not null",
      ),
    });
    await setEvents(fx, [[1, 1, '1.00'], [2, 2, '2.00'], [3, 3, '3.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', message: 'CREATE TABLE (3 rows)' });
    // Day 2 is dirty (a NULL-id marker row): its rows are replaced (id 2 gone, id 4 new); days 1 and 3 are not read
    // again, so their changed amounts stay unseen.
    await setEvents(fx, [[1, 1, '1.50'], [4, 2, '4.00'], [null, 2, '0'], [3, 3, '3.50']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'incremental replace_where', message: 'REPLACE_WHERE 1 rows' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 3, day: 3, amount: '3.00' },
      { id: 4, day: 2, amount: '4.00' },
    ]);
    // The slice's old row (id 2) was deleted: it counts towards the next compaction (src/warehouse/vacuum.ts).
    expect(await fx.wh.scalar('SELECT deleted_rows FROM meta.vacuum_state')).toBe('1');
    // A new row outside the slice would duplicate the row it recomputes: an error naming the model, nothing changed.
    await fx.project.write({ 'models/m/inc.sql': model(`incremental_strategy='replace_where' replace_where=(concat "day in (select day from " (ref "dirty_days") ")")`, 'where id is not null') });
    const failed = await fx.build({ command: 'run' });
    expect(failed.byName.inc).toMatchObject({ status: 'error' });
    expect(failed.byName.inc!.message).toMatch(/2 new row\(s\) of "m"\."inc" fall outside its replace_where slice/);
    expect(await contents(fx)).toHaveLength(3);
    // Without a predicate the project does not compile.
    await fx.project.write({ 'models/m/inc.sql': model("incremental_strategy='replace_where'") });
    await expect(compileRequest({ projectDir: fx.project.dir, env: {} })).rejects.toThrow(/replace_where needs a replace_where predicate/);
  });

  it('keep_unchanged_rows: of the slice, only rows that changed are deleted and inserted; the table equals the slice replaced, duplicates included', async () => {
    const config = `incremental_strategy='replace_where' replace_where=(concat "day in (select day from " (ref "dirty_days") ")") keep_unchanged_rows=true`;
    fx = await openEngineFixture({
      ...SOURCES,
      'models/m/dirty_days.sql': "{{config materialized='table'}}select distinct day from {{source 'raw' 'events'}} where id is null",
      'models/m/inc.sql': model(config, "where day in (select day from {{ref 'dirty_days'}}) and id is not null"),
    });
    await setEvents(fx, [[1, 1, '1.00'], [2, 2, '2.00'], [5, 2, '5.00'], [5, 2, '5.00'], [6, 2, '6.00'], [3, 3, '3.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', message: 'CREATE TABLE (6 rows)' });
    expect(await fx.rows("select count(*) as n from m.inc where _row_hash = hash(id, day, amount)")).toEqual([{ n: '6' }]);
    const rowIds = async () => Object.fromEntries((await fx!.rows<{ id: number; r: bigint }>('select id, max(rowid) as r from m.inc group by id')).map((x) => [x.id, x.r]));
    const before = await rowIds();
    // Day 2 is dirty: id 2 changes, one of the two identical id 5 rows goes, id 6 stays as it was, id 4 is new.
    await setEvents(fx, [[1, 1, '1.00'], [2, 2, '2.50'], [5, 2, '5.00'], [6, 2, '6.00'], [4, 2, '4.00'], [null, 2, '0'], [3, 3, '3.00']]);
    expect((await fx.build({ command: 'run' })).byName.inc).toMatchObject({ status: 'success', action: 'incremental replace_where', message: 'REPLACE_WHERE 2 rows' });
    expect(await contents(fx)).toEqual([
      { id: 1, day: 1, amount: '1.00' },
      { id: 2, day: 2, amount: '2.50' },
      { id: 3, day: 3, amount: '3.00' },
      { id: 4, day: 2, amount: '4.00' },
      { id: 5, day: 2, amount: '5.00' },
      { id: 6, day: 2, amount: '6.00' },
    ]);
    // the unchanged row of the slice was not rewritten: it kept its place
    expect((await rowIds())[6]).toBe(before[6]);
    // deleted: id 2's old row and one id 5 row
    expect(await fx.wh.scalar('SELECT deleted_rows FROM meta.vacuum_state')).toBe('2');
    // every row's hash is its own (a rebuild would write the same ones)
    expect(await fx.rows("select count(*) as n from m.inc where _row_hash = hash(id, day, amount)")).toEqual([{ n: '6' }]);
    // only for replace_where
    await fx.project.write({ 'models/m/inc.sql': model("unique_key='id' keep_unchanged_rows=true") });
    await expect(compileRequest({ projectDir: fx.project.dir, env: {} })).rejects.toThrow(/keep_unchanged_rows works with incremental_strategy replace_where only/);
  });

  it('the error classes carry the node and file', async () => {
    fx = await openEngineFixture({ ...SOURCES, 'models/m/inc.sql': model("unique_key='id'", '') });
    await setEvents(fx, [[1, 1, '1.00']]);
    await fx.build({ command: 'run' });
    await setEvents(fx, [[1, 1, '1.00'], [1, 1, '1.00']]);
    const { graph } = await compileRequest({ projectDir: fx.project.dir, env: {} });
    const node = graph.nodes['model.fixture.inc'];
    if (node?.kind !== 'model') throw new Error('missing');
    const error = await materializeModel(fx.wh, node, { fullRefresh: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).location).toEqual({ node: 'model.fixture.inc', file: 'models/m/inc.sql' });
  });
});
