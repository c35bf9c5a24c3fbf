/**
 * The state tables' DDL runs when a writing command opens a warehouse that has not run this DDL yet (a hash in
 * `meta.state_tables_ddl`) or lacks one of its tables; otherwise it is skipped (a catalog write at every command).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, expect, it } from 'vitest';

import '../../../src/periods/period-tables.js';
import { addStateTableDdl, ensureStateTables } from '../../../src/warehouse/state-tables.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-state-ddl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withOpen<T>(path: string, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await Warehouse.open({ path, threads: 1 });
  try {
    await ensureStateTables(wh);
    return await fn(wh);
  } finally {
    wh.close();
  }
}

const commentOf = async (wh: Warehouse, table: string) =>
  (await wh.rows<{ comment: string | null }>(`SELECT comment FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = '${table}'`))[0]?.comment;

it('runs once, is skipped while nothing changed, and runs again for a missing table or new DDL', async () => {
  const path = join(dir, 'w.duckdb');
  await withOpen(path, async (wh) => {
    expect(await wh.scalar(`SELECT count(*) FROM meta.state_tables_ddl`)).toBe('1');
    expect(await commentOf(wh, 'period_closes')).toMatch(/^One row per closed accounting period/);
    await wh.run(`COMMENT ON TABLE meta.period_closes IS 'changed by hand'`);
  });

  // skipped: the comment the DDL would set again stays as it was changed
  await withOpen(path, async (wh) => {
    expect(await commentOf(wh, 'period_closes')).toBe('changed by hand');
    await wh.run('DROP TABLE meta.build_state');
  });

  // a table of the DDL is missing: it runs again, creating it and setting every comment
  await withOpen(path, async (wh) => {
    expect(await wh.scalar(`SELECT count(*) FROM meta.build_state`)).toBe('0');
    expect(await commentOf(wh, 'period_closes')).toMatch(/^One row per closed accounting period/);
  });

  // a new version's DDL (here: one more table) runs on a warehouse that ran the previous one
  addStateTableDdl('CREATE TABLE IF NOT EXISTS meta.zz_added_later (id INTEGER)');
  await withOpen(path, async (wh) => {
    expect(await wh.scalar(`SELECT count(*) FROM meta.zz_added_later`)).toBe('0');
  });
});
