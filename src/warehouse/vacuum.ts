import { quoteLiteral } from '../compile/node-ids.js';
import type { WarehouseSettings } from '../project/types.js';
import { addStateTableDdl } from './state-tables.js';
import type { Warehouse } from './warehouse.js';

/**
 * When DuckDB's vacuum runs.
 *
 * At a checkpoint, DuckDB merges row groups that deletes have thinned out of every table changed since the last one,
 * and rewrites the row groups after a merge. A daily incremental build deletes and re-inserts the lines it
 * recomputes (2–3 % of each incremental table on the 1M-line bench, spread over every row group), so with the vacuum
 * on, some table's checkpoint rewrites most of it on most days (int_order_lines' checkpoint alone: 0.9 s, against
 * 0.08 s without). Twenty days in a row at 1M lines (`npm run bench -- daily --lines 1000000 --days 20`) took 14.2 s
 * a day on average with it at every checkpoint, and 11.9 s batched, compaction day included (README, "Performance").
 *
 * - `always`: DuckDB's default, the vacuum at every checkpoint.
 * - `batched` (default): writing commands open the warehouse with the vacuum off, so a daily build leaves the rows it
 *   deletes in their row groups; scans still read them, so each day's build is a little slower than the last (0.1 s
 *   a day at 1M lines), and the file grows. A compaction run turns the vacuum back on for the rest of its process: a
 *   full refresh, a period close (its builds and the export after), and the first build after incremental builds
 *   have deleted `vacuum_after_deleted` (default 25 %) of the incremental models' rows since the last compaction. Its
 *   checkpoints merge what the daily builds left, in every table it changes (the incremental
 *   models all change daily).
 *
 * `meta.vacuum_state` keeps the rows deleted since the last compaction, and when and why that one ran.
 */
export type VacuumMode = 'batched' | 'always';

export const DEFAULT_VACUUM_MODE: VacuumMode = 'batched';
export const DEFAULT_VACUUM_AFTER_DELETED = 0.25;
/** DuckDB's own default of `max_vacuum_tasks`. */
const DUCKDB_VACUUM_TASKS = 100;

addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.vacuum_state (
    id INTEGER PRIMARY KEY,
    deleted_rows BIGINT NOT NULL,
    compacted_at TIMESTAMP,
    reason VARCHAR
  )`,
  `COMMENT ON TABLE meta.vacuum_state IS 'warehouse.vacuum: batched. The rows incremental builds deleted since the last compaction run, and when and why that one ran; a build compacts once they reach warehouse.vacuum_after_deleted of the incremental models'' rows.'`,
);

/** The instance setting a writing command opens with: `max_vacuum_tasks = 0` when batched. */
export function vacuumConfig(settings: WarehouseSettings): Record<string, string> {
  return (settings.vacuum ?? DEFAULT_VACUUM_MODE) === 'batched' ? { max_vacuum_tasks: '0' } : {};
}

/** True when this warehouse batches its vacuum (a writing command on a file, `warehouse.vacuum: batched`). */
function batched(wh: Warehouse, settings: WarehouseSettings): boolean {
  return !wh.readOnly && wh.path !== ':memory:' && vacuumConfig(settings).max_vacuum_tasks === '0';
}

export type CompactionReason = 'full refresh' | 'period close' | 'deleted rows';

/** Rows deleted in this process and not yet added to meta.vacuum_state, per open warehouse. */
const deletedRows = new WeakMap<Warehouse, number>();

/** An incremental model's delete: counted towards the next compaction (batched). */
export function countDeletedRows(wh: Warehouse, rows: number): void {
  deletedRows.set(wh, (deletedRows.get(wh) ?? 0) + rows);
}

/**
 * A build's part in batching: turns the vacuum on when this build compacts (a full refresh, or the rows deleted since
 * the last compaction reached `vacuum_after_deleted` of `incrementalTables`' rows). Call `finish` once the build is
 * done: it adds this build's deletes to the count, or, after a compaction, starts the count again.
 */
export async function vacuumForBuild(
  wh: Warehouse,
  settings: WarehouseSettings,
  options: { fullRefresh: boolean; incrementalTables: readonly { schema: string; name: string }[] },
): Promise<{ readonly compaction?: CompactionReason; readonly finish: () => Promise<void> }> {
  // Not batched, or inside a compaction that began around this build (a close's): that one's end starts the count
  // again, so this build neither asks nor counts.
  if (!batched(wh, settings) || compacting.has(wh)) return { finish: async () => {} };
  deletedRows.delete(wh);
  const compaction = await compactionReason(wh, settings, options);
  if (compaction) return { compaction, finish: (await beginCompaction(wh, settings, compaction))! };
  return {
    finish: async () => {
      const rows = deletedRows.get(wh) ?? 0;
      deletedRows.delete(wh);
      if (rows > 0) await addDeleted(wh, rows);
    },
  };
}

/** Warehouses with a compaction running now (between beginCompaction and its end). */
const compacting = new WeakSet<Warehouse>();

/**
 * Turns the vacuum on for the rest of this process, so its checkpoints merge what the daily builds left: the automatic
 * ones, publish's, and the one DuckDB makes when the process closes the warehouse. Returns a function that ends the
 * compaction (the count of deleted rows starts again; later deletes of this process count), or undefined when the
 * vacuum is not batched or a compaction runs already (the caller that began it ends it).
 */
export async function beginCompaction(
  wh: Warehouse,
  settings: WarehouseSettings,
  reason: CompactionReason,
): Promise<(() => Promise<void>) | undefined> {
  if (!batched(wh, settings) || compacting.has(wh)) return undefined;
  await wh.run(`SET max_vacuum_tasks = ${DUCKDB_VACUUM_TASKS}`);
  compacting.add(wh);
  return async () => {
    compacting.delete(wh);
    deletedRows.delete(wh);
    await wh.run(
      `INSERT OR REPLACE INTO meta.vacuum_state (id, deleted_rows, compacted_at, reason) VALUES (1, 0, now(), $1)`,
      [reason],
    );
  };
}

/**
 * Why a build compacts, if it does: a full refresh, or the rows deleted since the last compaction reached
 * `vacuum_after_deleted` of the incremental tables' rows now. (A first build, which creates the tables and deletes
 * nothing, runs with the vacuum off like a daily one: at 3M lines its peak RSS was 4.7 and 4.6 GiB with the vacuum off
 * and on, and 4.0 GiB in a run with `vacuum: always`; the spread is the runs', not the setting's.)
 */
async function compactionReason(
  wh: Warehouse,
  settings: WarehouseSettings,
  options: { fullRefresh: boolean; incrementalTables: readonly { schema: string; name: string }[] },
): Promise<CompactionReason | undefined> {
  if (options.fullRefresh) return 'full refresh';
  const tables = options.incrementalTables;
  if (tables.length === 0) return undefined;
  const names = tables.map((t) => quoteLiteral(`${t.schema}.${t.name}`)).join(', ');
  const deleted = Number((await wh.scalar<string>('SELECT deleted_rows FROM meta.vacuum_state WHERE id = 1')) ?? 0);
  if (deleted === 0) return undefined;
  const rows = Number(
    (await wh.scalar<string>(
      `SELECT CAST(coalesce(sum(estimated_size), 0) AS VARCHAR) FROM duckdb_tables()
       WHERE database_name = current_database() AND schema_name || '.' || table_name IN (${names})`,
    )) ?? 0,
  );
  const threshold = settings.vacuumAfterDeleted ?? DEFAULT_VACUUM_AFTER_DELETED;
  return rows > 0 && deleted / rows >= threshold ? 'deleted rows' : undefined;
}

async function addDeleted(wh: Warehouse, rows: number): Promise<void> {
  await wh.run(
    `INSERT INTO meta.vacuum_state (id, deleted_rows) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET deleted_rows = deleted_rows + excluded.deleted_rows`,
    [BigInt(rows)],
  );
}

