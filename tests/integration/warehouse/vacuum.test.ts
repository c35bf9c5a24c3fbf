import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { WarehouseSettings } from '../../../src/project/types.js';
import { beginCompaction, countDeletedRows, vacuumForBuild } from '../../../src/warehouse/vacuum.js';
import { ensureStateTables } from '../../../src/warehouse/state-tables.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-vacuum-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(settings: Partial<WarehouseSettings> = {}): Promise<Warehouse> {
  const wh = await Warehouse.open({ path: join(dir, 'w.duckdb'), threads: 2, ...settings });
  await ensureStateTables(wh);
  return wh;
}

const vacuumTasks = async (wh: Warehouse) => Number(await wh.scalar("SELECT current_setting('max_vacuum_tasks')"));
const rowGroups = async (wh: Warehouse) => Number(await wh.scalar("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')"));

describe('DuckDB vacuum, batched', () => {
  it('writing commands open with the vacuum off; "always" keeps DuckDB\'s default', async () => {
    const batched = await open();
    expect(await vacuumTasks(batched)).toBe(0);
    batched.close();
    const always = await open({ vacuum: 'always' });
    expect(await vacuumTasks(always)).toBe(100);
    always.close();
  });

  it('a daily checkpoint leaves thinned-out row groups; a compaction run merges them and starts the count of deleted rows again', async () => {
    const wh = await open();
    await wh.run('CREATE TABLE t AS SELECT i, md5(i::VARCHAR) AS s FROM range(491520) r(i)');
    await wh.checkpoint();
    expect(await rowGroups(wh)).toBe(4);
    // A day's delete of most rows: with the vacuum off, the row groups stay as they were.
    await wh.run('DELETE FROM t WHERE i % 10 < 7');
    await wh.checkpoint();
    expect(await rowGroups(wh)).toBe(4);

    const settings: WarehouseSettings = { path: join(dir, 'w.duckdb') };
    // With DuckDB's own vacuum there is nothing to compact (a close then records nothing).
    expect(await beginCompaction(wh, { ...settings, vacuum: 'always' }, 'period close')).toBeUndefined();
    expect(await vacuumTasks(wh)).toBe(0);
    const end = await beginCompaction(wh, settings, 'period close');
    expect(end).toBeDefined();
    expect(await vacuumTasks(wh)).toBe(100);
    // Turned on already: a nested caller (the close's own builds) does not end the compaction.
    expect(await beginCompaction(wh, settings, 'deleted rows')).toBeUndefined();
    await wh.run('DELETE FROM t WHERE i = 9');
    await end!();
    // The next checkpoint (publish's, or DuckDB's when the process closes the warehouse) runs with the vacuum on.
    await wh.checkpoint();
    expect(await rowGroups(wh)).toBeLessThan(4);
    expect(await wh.scalar('SELECT count(*) FROM t')).toBe('147455');
    expect(await wh.rows('SELECT deleted_rows, reason FROM meta.vacuum_state')).toEqual([{ deleted_rows: '0', reason: 'period close' }]);
    wh.close();
  });

  it('a build compacts for a full refresh, and once daily builds deleted the configured share of the incremental rows', async () => {
    const settings: WarehouseSettings = { path: join(dir, 'w.duckdb'), vacuumAfterDeleted: 0.5 };
    const wh = await open(settings);
    await wh.run('CREATE TABLE t AS SELECT i FROM range(1000) r(i)');
    const build = () => vacuumForBuild(wh, settings, { fullRefresh: false, incrementalTables: [{ schema: 'main', name: 't' }] });
    // Nothing deleted yet: a daily build; its deletes are added to the count when it finishes.
    const first = await build();
    expect(first.compaction).toBeUndefined();
    countDeletedRows(wh, 300);
    await first.finish();
    expect(await wh.scalar('SELECT deleted_rows FROM meta.vacuum_state')).toBe('300');
    // 30 % deleted: still under the threshold.
    const second = await build();
    expect(second.compaction).toBeUndefined();
    expect(await vacuumTasks(wh)).toBe(0);
    countDeletedRows(wh, 300);
    await second.finish();
    // 60 %: this build compacts; its end starts the count again.
    const third = await build();
    expect(third.compaction).toBe('deleted rows');
    expect(await vacuumTasks(wh)).toBe(100);
    countDeletedRows(wh, 10);
    await third.finish();
    expect(await wh.rows('SELECT deleted_rows, reason FROM meta.vacuum_state')).toEqual([{ deleted_rows: '0', reason: 'deleted rows' }]);
    // The compaction ended: later deletes of the same process count again (the vacuum stays on for it).
    const fourth = await build();
    expect(fourth.compaction).toBeUndefined();
    countDeletedRows(wh, 5);
    await fourth.finish();
    expect(await wh.scalar('SELECT deleted_rows FROM meta.vacuum_state')).toBe('5');
    // REVREC_VACUUM_AFTER_DELETED=0% for one run (README): any build after a delete compacts.
    const chosen = await vacuumForBuild(wh, { ...settings, vacuumAfterDeleted: 0 }, { fullRefresh: false, incrementalTables: [{ schema: 'main', name: 't' }] });
    expect(chosen.compaction).toBe('deleted rows');
    await chosen.finish();
    wh.close();

    const again = await open(settings);
    expect((await vacuumForBuild(again, settings, { fullRefresh: true, incrementalTables: [] })).compaction).toBe('full refresh');
    again.close();
    const always = { ...settings, vacuum: 'always' as const };
    const alwaysWh = await open(always);
    expect((await vacuumForBuild(alwaysWh, always, { fullRefresh: true, incrementalTables: [] })).compaction).toBeUndefined();
    alwaysWh.close();
  });
});
