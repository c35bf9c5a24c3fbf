import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { WarehouseSettings } from '../../../src/project/types.js';
import { beginCompaction, vacuumForBuild } from '../../../src/warehouse/vacuum.js';
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

  it('a daily checkpoint leaves thinned-out row groups; a compaction run merges them and records the file size', async () => {
    const wh = await open();
    await wh.run('CREATE TABLE t AS SELECT i, md5(i::VARCHAR) AS s FROM range(491520) r(i)');
    await wh.checkpoint();
    expect(await rowGroups(wh)).toBe(4);
    // A day's delete of most rows: with the vacuum off, the row groups stay as they were.
    await wh.run('DELETE FROM t WHERE i % 10 < 7');
    await wh.checkpoint();
    expect(await rowGroups(wh)).toBe(4);

    const end = await beginCompaction(wh, 'period close');
    expect(end).toBeDefined();
    expect(await vacuumTasks(wh)).toBe(100);
    // Turned on already: a nested caller (the close's own builds) does not end the compaction.
    expect(await beginCompaction(wh, 'growth')).toBeUndefined();
    await wh.run('DELETE FROM t WHERE i = 9');
    await end!();
    expect(await rowGroups(wh)).toBeLessThan(4);
    expect(await wh.scalar('SELECT count(*) FROM t')).toBe('147455');
    const state = await wh.rows<{ reason: string; file_bytes: string }>('SELECT reason, file_bytes FROM meta.vacuum_state');
    expect(state).toEqual([{ reason: 'period close', file_bytes: expect.stringMatching(/^\d+$/) }]);
    wh.close();
  });

  it('a build compacts for a full refresh, and once the file has grown past the threshold since the last compaction', async () => {
    const settings: WarehouseSettings = { path: join(dir, 'w.duckdb'), vacuumAfterGrowth: 0.5 };
    const wh = await open(settings);
    // No compaction recorded yet: the size after this build becomes the baseline, so a new warehouse's first build
    // of the models is not counted as growth.
    const first = await vacuumForBuild(wh, settings, false);
    expect(first.compaction).toBeUndefined();
    await wh.run('CREATE TABLE t AS SELECT i, md5(i::VARCHAR) AS s FROM range(300000) r(i)');
    await wh.checkpoint();
    await first.finish();
    expect(await wh.scalar('SELECT reason FROM meta.vacuum_state')).toBe('baseline');
    expect((await vacuumForBuild(wh, settings, false)).compaction).toBeUndefined();
    expect(await vacuumTasks(wh)).toBe(0);

    // Grown by more than half since: this build compacts, and its end records the new size.
    await wh.run('INSERT INTO t SELECT i, md5(i::VARCHAR) FROM range(300000) r(i)');
    await wh.checkpoint();
    const grown = await vacuumForBuild(wh, settings, false);
    expect(grown.compaction).toBe('growth');
    expect(await vacuumTasks(wh)).toBe(100);
    await grown.finish();
    expect(await wh.scalar('SELECT reason FROM meta.vacuum_state')).toBe('growth');
    wh.close();

    const again = await open(settings);
    expect((await vacuumForBuild(again, settings, true)).compaction).toBe('full refresh');
    again.close();
    const always = await open({ ...settings, vacuum: 'always' });
    expect((await vacuumForBuild(always, { ...settings, vacuum: 'always' }, true)).compaction).toBeUndefined();
    always.close();
  });
});
