import { randomUUID } from 'node:crypto';
import { ExecutionError } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { runBuild } from '../run/invocation.js';
import { succeeded } from '../run/run-types.js';
import { loadProject } from '../project/load-project.js';
import { ensureStateTables } from '../warehouse/state-tables.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { freezePeriod, reopenPeriod } from './freeze-period.js';
import { firstPeriodOf, readPeriodState } from './period-state.js';
import type { PeriodState } from './period-state.js';

export interface PeriodRequest {
  readonly projectDir: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly reporter: Reporter;
  readonly clock?: () => Date;
}

export interface CloseRequest extends PeriodRequest {
  readonly period?: number;
  readonly force?: boolean;
}

export interface CloseOutcome {
  readonly closed: boolean;
  readonly period: number;
  readonly reasons: readonly string[];
  readonly forced: boolean;
  readonly linesFrozen: number;
}

/** Opens the project's warehouse, makes sure the state tables exist, runs `fn`, closes. */
export async function withWarehouse<T>(request: PeriodRequest, command: string, fn: (wh: Warehouse, firstPeriod: number) => Promise<T>): Promise<T> {
  const project = await loadProject(request.projectDir);
  const vars = { ...project.settings.vars, ...(request.vars ?? {}) };
  const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command });
  try {
    await ensureStateTables(wh);
    return await fn(wh, firstPeriodOf(vars));
  } finally {
    wh.close();
  }
}

export async function periodStatus(request: PeriodRequest): Promise<PeriodState> {
  return withWarehouse(request, 'revrec period status', (wh, first) => readPeriodState(wh, first));
}

/**
 * `revrec period close`: builds the current period, checks it can be closed (every data test passes, no record of
 * the period is FX-pending), freezes it, and builds the next period so the books show it at once. With `force`, a
 * failed check is recorded with the close instead of stopping it.
 */
export async function closePeriod(request: CloseRequest): Promise<CloseOutcome> {
  const clock = request.clock ?? (() => new Date());
  return withWarehouse(request, 'revrec period close', async (wh, first) => {
    const state = await readPeriodState(wh, first);
    const period = request.period ?? state.currentPeriod;
    if (period !== state.currentPeriod) {
      throw new ExecutionError(`period ${period} is not the current period (${state.currentPeriod})`, {
        hint: period < state.currentPeriod ? `it is already closed; reopen it with revrec period reopen` : `close ${state.currentPeriod} first; periods close in order`,
      });
    }
    const build = await runBuild({ command: 'build', projectDir: request.projectDir, ...(request.vars ? { vars: request.vars } : {}), reporter: request.reporter, warehouse: wh, clock });
    const reasons: string[] = [];
    if (build.result && !succeeded(build.result)) {
      const failed = build.result.results.filter((r) => r.status === 'error' || r.status === 'fail').map((r) => r.unique_id);
      reasons.push(`${failed.length} model(s) or data test(s) failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`);
    }
    const pending = Number((await wh.scalar<string>(`SELECT count(*) FROM stage.stage_records WHERE code = 'FX_PENDING'`)) ?? 0);
    if (pending > 0) reasons.push(`${pending} record(s) are FX-pending (missing exchange rates); load the rates or close with --force`);
    if (reasons.length > 0 && !request.force) return { closed: false, period, reasons, forced: false, linesFrozen: 0 };
    const { linesFrozen } = await freezePeriod(wh, state, {
      period,
      closedAt: clock(),
      forced: reasons.length > 0,
      forceReasons: reasons,
      invocationId: randomUUID(),
    });
    await runBuild({ command: 'build', projectDir: request.projectDir, ...(request.vars ? { vars: request.vars } : {}), reporter: request.reporter, warehouse: wh, clock });
    return { closed: true, period, reasons, forced: reasons.length > 0, linesFrozen };
  });
}

/** `revrec period reopen`: reopens the latest closed period and rebuilds it as the current period. */
export async function reopenLatestPeriod(request: PeriodRequest): Promise<{ period: number }> {
  return withWarehouse(request, 'revrec period reopen', async (wh, first) => {
    const state = await readPeriodState(wh, first);
    const result = await reopenPeriod(wh, state);
    await runBuild({ command: 'build', projectDir: request.projectDir, ...(request.vars ? { vars: request.vars } : {}), reporter: request.reporter, warehouse: wh });
    return result;
  });
}
