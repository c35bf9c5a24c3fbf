import type { Warehouse } from '../warehouse/warehouse.js';
import { quoteLiteral } from '../compile/node-ids.js';
import { addPostBuildHook, addStateTableDdl } from '../warehouse/state-tables.js';
import type { BuildInfo } from '../warehouse/state-tables.js';
import { readBuiltScope, RECOMPUTED_ORDERS_SQL } from './built-scope.js';

/**
 * What changed in the books, build by build, so a consumer (the continuous export) can look only at the orders that
 * changed since it last looked instead of comparing every record. Each complete build logs one entry: the orders it
 * recomputed (intermediate.int_rechain_scope, with their items, and the lines outside any order of int_side_scope)
 * or `everything` when it rebuilt the chain in full
 * (int_build_scope.full_rechain), followed a close (period_moved) or was run with --full-refresh. Whatever else
 * changes what the models or frozen tables hold logs `everything`: a run with --select or a failure (it may have
 * replaced tables the log does not describe), a close, a reopen.
 * A consumer remembers the last entry it took (`meta.change_log_marks`); without a mark it takes everything.
 *
 * Each entry also says from which accounting period on records can have changed (`from_period`; NULL: any). A closed
 * period's records come from frozen rows, which only a close or reopen writes: a daily build or the build after a
 * close reaches the current period on, a close or reopen of P reaches P on. A changed project (full rebuild), a
 * --select or failed run can change how frozen rows are reported, so they reach every period. The continuous export
 * then compares only the records of those periods: after a close of a warehouse with years of history, one or two
 * periods instead of all of them.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.change_log (
    seq BIGINT NOT NULL,
    logged_at TIMESTAMP NOT NULL,
    everything BOOLEAN NOT NULL,
    reason VARCHAR NOT NULL,
    from_period INTEGER
  )`,
  // Warehouses created before from_period existed: their entries reach every period (NULL).
  `ALTER TABLE meta.change_log ADD COLUMN IF NOT EXISTS from_period INTEGER`,
  `COMMENT ON TABLE meta.change_log IS 'One row per build, close, reopen or partial run: whether everything may have changed, or only the orders in meta.change_log_orders.'`,
  `CREATE TABLE IF NOT EXISTS meta.change_log_orders (
    seq BIGINT NOT NULL,
    sales_order_id VARCHAR NOT NULL,
    sales_order_item_id VARCHAR NOT NULL
  )`,
  `COMMENT ON TABLE meta.change_log_orders IS 'The orders (with every item) a build recomputed, by meta.change_log.seq.'`,
  `CREATE TABLE IF NOT EXISTS meta.change_log_marks (
    consumer VARCHAR NOT NULL,
    seq BIGINT NOT NULL
  )`,
  `COMMENT ON TABLE meta.change_log_marks IS 'The last meta.change_log entry each consumer (the continuous export) has taken into account.'`,
);

const NEXT_SEQ = 'SELECT coalesce(max(seq), 0) + 1 FROM meta.change_log';

/** Appends one entry (the next seq, in the same statement) and returns its seq. */
async function logEntry(wh: Warehouse, entry: { everything: boolean; reason: string; fromPeriod: number | null }): Promise<bigint> {
  const seq = await wh.scalar<bigint>(
    `INSERT INTO meta.change_log (seq, logged_at, everything, reason, from_period) SELECT (${NEXT_SEQ}), now(), $1, $2, $3 RETURNING seq`,
    [entry.everything, entry.reason, entry.fromPeriod],
  );
  return seq!;
}

/**
 * Logs that anything may have changed in the records of `fromPeriod` on (a close or reopen of that period, the build
 * after a close), or in every period (omitted: a full rebuild, a partial or failed run). Run it inside the change's
 * transaction.
 */
export async function logEverythingChanged(wh: Warehouse, reason: string, fromPeriod?: number): Promise<void> {
  await logEntry(wh, { everything: true, reason, fromPeriod: fromPeriod ?? null });
}

/**
 * After a run that built models: the orders a complete build recomputed, or everything when it rebuilt the chain (or
 * has no such models), or was not complete (a --select or failed run may have replaced tables the log cannot describe).
 * A daily build and the build after a close reach the current period on; a full rebuild every period.
 */
async function logBuild(wh: Warehouse, build: BuildInfo): Promise<void> {
  if (!build.complete) return logEverythingChanged(wh, 'run with --select, or a failed build');
  const scope = await readBuiltScope(wh);
  // A --full-refresh may have been run to repair something outside any slice: let the consumers compare everything.
  if (!scope || build.fullRefresh || scope.fullRechain) return logEverythingChanged(wh, 'build (full)');
  // After a close every line's current-period numbers moved (the period models rebuilt in full), not only the slice;
  // nothing of the closed periods did.
  if (scope.periodMoved) return logEverythingChanged(wh, 'build (after a close)', scope.currentPeriod);
  await wh.transaction(async () => {
    const seq = await logEntry(wh, { everything: false, reason: 'build (orders touched by new files)', fromPeriod: scope.currentPeriod });
    // Nobody has taken the log yet (no continuous export ran): a first consumer takes everything anyway.
    await wh.run(
      `INSERT INTO meta.change_log_orders SELECT $1, sales_order_id, sales_order_item_id FROM (${RECOMPUTED_ORDERS_SQL})
       WHERE EXISTS (SELECT 1 FROM meta.change_log_marks)`,
      [seq],
    );
  });
}

// Registered before the build watermark (meta.build_state, period-tables.ts imports this module first): a crash
// between the two leaves the watermark behind, so the next build recomputes and logs the same orders again, never
// a watermark past orders nobody logged.
addPostBuildHook(logBuild);

/** What changed since a consumer's mark: `everything`, or the orders (and their items) of every entry after it. */
export interface ChangeSlice {
  /** The newest entry taken into account; the consumer marks it once it has used the slice. */
  readonly through: bigint;
  /** True when anything may have changed (or the consumer has no mark yet). */
  readonly everything: boolean;
  /** Records of earlier periods cannot have changed (null: any period may have, or the consumer has no mark yet). */
  readonly fromPeriod: number | null;
}

/** The last entry a consumer took (NULL: it has none). */
function markSql(consumer: string): string {
  return `(SELECT max(seq) FROM meta.change_log_marks WHERE consumer = ${quoteLiteral(consumer)})`;
}

export async function readChangeSlice(wh: Warehouse, consumer: string): Promise<ChangeSlice> {
  const since = `FROM meta.change_log WHERE seq > coalesce(${markSql(consumer)}, 0)`;
  const [row] = await wh.rows<{ through: string; marked: string | null; everything: boolean; from_period: number | null }>(
    `SELECT CAST(coalesce((SELECT max(seq) FROM meta.change_log), 0) AS VARCHAR) AS through,
            CAST(${markSql(consumer)} AS VARCHAR) AS marked,
            coalesce((SELECT bool_or(everything) ${since}), false) AS everything,
            (SELECT CASE WHEN count(*) = 0 OR bool_or(from_period IS NULL) THEN NULL ELSE min(from_period) END ${since}) AS from_period`,
  );
  const marked = row!.marked !== null;
  return {
    through: BigInt(row!.through),
    everything: !marked || row!.everything,
    fromPeriod: marked && row!.from_period !== null ? Number(row!.from_period) : null,
  };
}

/** SQL for the orders and items of the entries after the consumer's mark (columns sales_order_id, sales_order_item_id). */
export function changedOrdersSql(consumer: string): string {
  return `SELECT sales_order_id, sales_order_item_id FROM meta.change_log_orders WHERE seq > coalesce(${markSql(consumer)}, 0)`;
}

/**
 * Records that the consumer has taken every entry up to `through` into account, and forgets entries every consumer
 * has taken (the log stays as long as the slices not yet exported).
 */
export async function markChangesTaken(wh: Warehouse, consumer: string, through: bigint): Promise<void> {
  await wh.run('DELETE FROM meta.change_log_marks WHERE consumer = $1', [consumer]);
  await wh.run('INSERT INTO meta.change_log_marks VALUES ($1, $2)', [consumer, through]);
  const oldest = 'SELECT min(seq) FROM meta.change_log_marks';
  await wh.run(`DELETE FROM meta.change_log_orders WHERE seq <= (${oldest})`);
  await wh.run(`DELETE FROM meta.change_log WHERE seq < (${oldest})`);
}
