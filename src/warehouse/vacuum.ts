import { statSync } from 'node:fs';
import type { WarehouseSettings } from '../project/types.js';
import { addStateTableDdl } from './state-tables.js';
import type { Warehouse } from './warehouse.js';

/**
 * When DuckDB's vacuum runs.
 *
 * At a checkpoint, DuckDB merges row groups that deletes have thinned out of every table changed since the last one,
 * and rewrites the row groups after a merge. A daily incremental build deletes and re-inserts the lines it
 * recomputes (2–3 % of each incremental table on the 1M-line bench, spread over every row group), so with the vacuum
 * on, some table's checkpoint rewrites most of it on most days: measured 0.9 s for int_order_lines' checkpoint alone,
 * and 1.5–2 s of a day's build in all (README, "Performance").
 *
 * - `always`: DuckDB's default, the vacuum at every checkpoint.
 * - `batched` (default): writing commands open the warehouse with the vacuum off, so a daily build leaves the rows it
 *   deleted in place and the file grows by them (about 40 MB a day on the 1M-line bench). A compaction run turns it
 *   back on for the rest of its process: a full refresh, a period close (its builds and the export after), and the
 *   first build after the file has grown by `vacuum_after_growth` (default 100 %) since the last compaction. Its
 *   checkpoints then merge what the daily builds left, in every table it changes.
 *
 * A compaction run checkpoints at its end and records the file's size in `meta.vacuum_state`.
 */
export type VacuumMode = 'batched' | 'always';

export const DEFAULT_VACUUM_MODE: VacuumMode = 'batched';
export const DEFAULT_VACUUM_AFTER_GROWTH = 1;
/** DuckDB's own default of `max_vacuum_tasks`. */
const DUCKDB_VACUUM_TASKS = 100;

addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.vacuum_state (
    id INTEGER PRIMARY KEY,
    file_bytes BIGINT NOT NULL,
    compacted_at TIMESTAMP NOT NULL,
    reason VARCHAR NOT NULL
  )`,
  `COMMENT ON TABLE meta.vacuum_state IS 'The last compaction run (warehouse.vacuum: batched): the warehouse file''s size after it, when and why. A build compacts again once the file has grown by warehouse.vacuum_after_growth.'`,
);

/** The instance setting a writing command opens with: `max_vacuum_tasks = 0` when batched. */
export function vacuumConfig(settings: WarehouseSettings): Record<string, string> {
  return (settings.vacuum ?? DEFAULT_VACUUM_MODE) === 'batched' ? { max_vacuum_tasks: '0' } : {};
}

export type CompactionReason = 'full refresh' | 'period close' | 'growth';

/**
 * A build's part in batching: turns the vacuum on when this build compacts (a full refresh, or the file grew past
 * `vacuum_after_growth` since the last compaction). Call `finish` once the build is done: it ends the compaction, or,
 * on a warehouse without a record yet (a new one, or one from before batching), records the file's size after this
 * build as the baseline (at its start, a new warehouse's file holds only the landed rows, and the next build would
 * count the models' first build as growth).
 */
export async function vacuumForBuild(
  wh: Warehouse,
  settings: WarehouseSettings,
  fullRefresh: boolean,
): Promise<{ readonly compaction?: CompactionReason; readonly finish: () => Promise<void> }> {
  const nothing = { finish: async () => {} };
  if (!batched(wh, settings)) return nothing;
  const last = await wh.scalar<string>('SELECT file_bytes FROM meta.vacuum_state WHERE id = 1');
  const growth = settings.vacuumAfterGrowth ?? DEFAULT_VACUUM_AFTER_GROWTH;
  const bytes = fileBytes(wh);
  const compaction: CompactionReason | undefined = fullRefresh
    ? 'full refresh'
    : last !== undefined && bytes !== undefined && bytes > Number(last) * (1 + growth)
      ? 'growth'
      : undefined;
  if (compaction) {
    const end = await beginCompaction(wh, compaction);
    if (end) return { compaction, finish: end };
    return nothing;
  }
  if (last !== undefined) return nothing;
  return {
    finish: async () => {
      const after = fileBytes(wh);
      if (after !== undefined) await recordSize(wh, after, 'baseline');
    },
  };
}

/**
 * Turns the vacuum on for the rest of this process. Returns a function that ends the compaction (a checkpoint, so
 * the merges happen now, then the file's size recorded), or undefined when the vacuum is on already: the caller
 * that turned it on ends it.
 */
export async function beginCompaction(wh: Warehouse, reason: CompactionReason): Promise<(() => Promise<void>) | undefined> {
  const tasks = Number(await wh.scalar("SELECT current_setting('max_vacuum_tasks')"));
  if (tasks > 0) return undefined;
  await wh.run(`SET max_vacuum_tasks = ${DUCKDB_VACUUM_TASKS}`);
  return async () => {
    await wh.checkpoint();
    const bytes = fileBytes(wh);
    if (bytes !== undefined) await recordSize(wh, bytes, reason);
  };
}

function batched(wh: Warehouse, settings: WarehouseSettings): boolean {
  return !wh.readOnly && wh.path !== ':memory:' && (settings.vacuum ?? DEFAULT_VACUUM_MODE) === 'batched';
}

function fileBytes(wh: Warehouse): number | undefined {
  if (wh.path === ':memory:') return undefined;
  try {
    return statSync(wh.path).size;
  } catch {
    return undefined;
  }
}

async function recordSize(wh: Warehouse, bytes: number, reason: string): Promise<void> {
  await wh.run('INSERT OR REPLACE INTO meta.vacuum_state (id, file_bytes, compacted_at, reason) VALUES (1, $1, now(), $2)', [BigInt(bytes), reason]);
}
