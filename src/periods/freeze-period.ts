import { ExecutionError } from '../errors.js';
import { FROZEN_SNAPSHOTS, SNAPSHOT_TYPES } from '../export/export-types.js';
import { faultPoint } from '../testing/fault-points.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { logEverythingChanged } from './change-log.js';
import { LINE_STATE_COLUMN_LIST } from './line-period-columns.js';
import type { PeriodState } from './period-state.js';

export interface FreezeOptions {
  readonly period: number;
  readonly closedAt: Date;
  readonly forced: boolean;
  readonly forceReasons?: readonly string[];
  readonly invocationId: string;
}

/**
 * Freezes the current period in one transaction: records the close, copies the period's reported line rows into
 * `meta.frozen_line_periods` (history) and makes their state columns each line's latest frozen state
 * (`meta.frozen_line_state`, the base the next period catches up against). FX-pending lines have no row, so nothing
 * is frozen for them. The marts must have been built for this period first (the caller runs `build`).
 */
export async function freezePeriod(wh: Warehouse, state: PeriodState, options: FreezeOptions): Promise<{ linesFrozen: number }> {
  if (options.period !== state.currentPeriod) {
    throw new ExecutionError(`period ${options.period} is not the current period (${state.currentPeriod})`, {
      hint: `close ${state.currentPeriod} first; periods close in order`,
    });
  }
  const built = await wh.scalar<number>('SELECT current_period FROM intermediate.int_settings');
  if (Number(built) !== options.period) {
    throw new ExecutionError(`the marts were built for period ${String(built)}, not ${options.period}`, { hint: 'run revrec build, then close' });
  }
  let linesFrozen = 0;
  await wh.transaction(async () => {
    await wh.run('INSERT INTO meta.period_closes (actg_period, closed_at, forced, force_reasons, invocation_id) VALUES ($1, $2, $3, $4, $5)', [
      options.period,
      options.closedAt.toISOString(),
      options.forced,
      options.forceReasons?.length ? options.forceReasons.join('; ') : null,
      options.invocationId,
    ]);
    const [copyLines, ...rest] = freezeStatements(options.period);
    linesFrozen = await wh.run(copyLines!);
    for (const sql of rest) await wh.run(sql);
    await logEverythingChanged(wh, `close ${options.period}`, options.period);
    faultPoint('close.freezing');
  });
  faultPoint('close.frozen');
  return { linesFrozen };
}

/**
 * The statements that freeze period `period` (the current one, checked first), after its close is recorded:
 * its line rows into the history and as each line's latest frozen state, its order and invoice export rows.
 *
 * The line rows are read from `marts.fct_line_current`, the current period's rows of the view `fct_line_periods`.
 * Read through the view they cost twice as much (2.6 s for 1M lines), and the second read, which also scans the
 * rows the first insert added to `frozen_line_periods` in this transaction, 5.3 s instead of 1.3 s.
 */
export function freezeStatements(period: number): string[] {
  if (!Number.isInteger(period)) throw new Error(`Unexpected period ${String(period)}`);
  const lines = `FROM marts.fct_line_current WHERE actg_period = ${period}`;
  return [
    `INSERT INTO meta.frozen_line_periods BY NAME SELECT * ${lines}`,
    `DELETE FROM meta.frozen_line_state WHERE line_key IN (SELECT line_key ${lines})`,
    `INSERT INTO meta.frozen_line_state (${LINE_STATE_COLUMN_LIST}) SELECT ${LINE_STATE_COLUMN_LIST} ${lines}`,
    // the export models' rows of the period, which they return from these snapshots once it is closed
    ...SNAPSHOT_TYPES.map((t) => `INSERT INTO meta.${t.frozenSnapshot} BY NAME SELECT * FROM exports.${t.model} WHERE Actg_Period = ${period}`),
  ];
}

/**
 * Reopens the latest closed period: forgets its close and its frozen rows, and restores each affected line's
 * latest frozen state from the closes before it. Closing it again overwrites its export files.
 */
export async function reopenPeriod(wh: Warehouse, state: PeriodState): Promise<{ period: number }> {
  const period = state.lastClosedPeriod;
  if (period === null) throw new ExecutionError('no period is closed, so none can be reopened');
  await wh.transaction(async () => {
    await wh.run('DELETE FROM meta.frozen_line_state WHERE line_key IN (SELECT line_key FROM meta.frozen_line_periods WHERE actg_period = $1)', [period]);
    await wh.run('DELETE FROM meta.frozen_line_periods WHERE actg_period = $1', [period]);
    await wh.run(
      `INSERT INTO meta.frozen_line_state (${LINE_STATE_COLUMN_LIST})
       SELECT ${LINE_STATE_COLUMN_LIST} FROM meta.frozen_line_periods
       WHERE line_key NOT IN (SELECT line_key FROM meta.frozen_line_state)
       QUALIFY row_number() OVER (PARTITION BY line_key ORDER BY actg_period DESC) = 1`,
    );
    for (const table of FROZEN_SNAPSHOTS) await wh.run(`DELETE FROM meta.${table} WHERE Actg_Period = $1`, [period]);
    await wh.run('DELETE FROM meta.period_closes WHERE actg_period = $1', [period]);
    await logEverythingChanged(wh, `reopen ${period}`, period);
  });
  return { period };
}
