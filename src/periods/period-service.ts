import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { systemClock } from '../clock.js';
import { ExecutionError, RevrecError } from '../errors.js';
import { exportClosedPeriod } from '../export/close-period-export.js';
import { readExportConfig } from '../export/export-config.js';
import '../export/export-tables.js';
import type { Reporter } from '../reporter/reporter.js';
import { compileLoaded, dataTestSet, runBuild } from '../run/invocation.js';
import { beginCompaction } from '../warehouse/vacuum.js';
import type { BuildRequest } from '../run/invocation.js';
import type { RunResult } from '../run/run-types.js';
import { succeeded } from '../run/run-types.js';
import { loadProject } from '../project/load-project.js';
import { loadSettings } from '../project/settings-loader.js';
import type { Project } from '../project/types.js';
import { ensureStateTables } from '../warehouse/state-tables.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { buildIsCurrent, testsPassedAtLastBuild } from './build-freshness.js';
import type { PassedTests } from './build-freshness.js';
import { dataTestsCheck, runReconciliations } from './close-checks.js';
import type { CloseCheck } from './close-checks.js';
import { startReconciliations } from './early-reconciliations.js';
import type { EarlyReconciliations } from './early-reconciliations.js';
import { freezePeriod, reopenPeriod } from './freeze-period.js';
import { firstPeriodOf, readPeriodState } from './period-state.js';
import type { PeriodState } from './period-state.js';
import './period-tables.js';
import './export-snapshot-tables.js';

export interface PeriodRequest {
  readonly projectDir: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly reporter: Reporter;
  /** "Now" for the close time, run history and export timestamps; default `src/clock.ts` (REVREC_NOW pins it). */
  readonly clock?: () => Date;
  /** Environment for pipeline.yml interpolation (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface CloseRequest extends PeriodRequest {
  readonly period?: number;
  readonly force?: boolean;
  /** Run the close-period export after the close when it is configured (default true). */
  readonly export?: boolean;
  /** Parent folder of the export's local staging folder (default: the OS temp folder). */
  readonly exportTempRoot?: string;
}

/** What the close-period export did after a close. */
export interface CloseExportResult {
  readonly status: 'delivered' | 'not_configured' | 'failed';
  readonly files: number;
  /** The failure (delivery or otherwise); the period stays closed and `revrec export close --period` retries. */
  readonly error?: RevrecError;
}

export interface CloseOutcome {
  readonly closed: boolean;
  readonly period: number;
  readonly reasons: readonly string[];
  readonly forced: boolean;
  readonly linesFrozen: number;
  readonly checks: readonly CloseCheck[];
  /** Whether the checks needed a build (false: the warehouse was current, only the data tests ran, if any). */
  readonly builtForChecks: boolean;
  /** The warehouse was current and its last build passed every data test: they did not run again before the checks. */
  readonly testsReused: boolean;
  readonly export?: CloseExportResult;
}

export interface CheckOutcome {
  readonly period: number;
  readonly checks: readonly CloseCheck[];
}

/**
 * Opens the project's warehouse, makes sure the state tables exist, runs `fn`, closes. The warehouse needs only
 * pipeline.yml; the models, seeds and macros (35–55 ms of JavaScript at the start of every period command) load when
 * `fn` first asks for `project()`, so a close can send its first queries before. A project that does not load is
 * still the error shown, as when it loaded first.
 */
export async function withWarehouse<T>(
  request: PeriodRequest,
  command: string,
  fn: (wh: Warehouse, firstPeriod: number, project: () => Promise<Project>) => Promise<T>,
): Promise<T> {
  const env = request.env ?? process.env;
  const root = resolve(request.projectDir);
  const settings = await loadSettings(root, env);
  let loading: Promise<Project> | undefined;
  const project = () => (loading ??= loadProject(root, env, settings));
  const projectErrorFirst = async (error: unknown): Promise<never> => {
    await project();
    throw error;
  };
  const wh = await Warehouse.open(settings.warehouse, { root, command }).catch(projectErrorFirst);
  try {
    await ensureStateTables(wh);
    return await fn(wh, firstPeriodOf({ ...settings.vars, ...(request.vars ?? {}) }), project).catch(projectErrorFirst);
  } finally {
    wh.close();
  }
}

export async function periodStatus(request: PeriodRequest): Promise<PeriodState> {
  return withWarehouse(request, 'revrec period status', (wh, first) => readPeriodState(wh, first));
}

type Compiled = NonNullable<BuildRequest['compiled']>;

/** Builds the current period (models and data tests), or with `testsOnly` runs the data tests alone. */
async function build(request: PeriodRequest, wh: Warehouse, clock: () => Date, options: { testsOnly?: boolean; compiled?: Compiled } = {}): Promise<RunResult | undefined> {
  const outcome = await runBuild({
    command: options.testsOnly ? 'test' : 'build',
    projectDir: request.projectDir,
    ...(request.vars ? { vars: request.vars } : {}),
    ...(request.env ? { env: request.env } : {}),
    ...(options.compiled ? { compiled: options.compiled } : {}),
    reporter: request.reporter,
    warehouse: wh,
    clock,
  });
  return outcome.result;
}

/**
 * The build the close checks look at: when the warehouse already holds a complete build of what is landed now (the
 * pipeline built it a moment ago), nothing is built again, and the data tests run only when that build did not pass
 * every one of them (`testsPassedAtLastBuild`: they would read the same tables); otherwise a full build.
 */
async function buildForChecks(
  request: PeriodRequest,
  wh: Warehouse,
  clock: () => Date,
  currentPeriod: number,
  compiled: Compiled,
  beforeBuild: () => Promise<void>,
): Promise<{ result: RunResult | PassedTests | undefined; rebuilt: boolean; testsReused: boolean }> {
  const current = await buildIsCurrent(wh, compiled.graph, currentPeriod);
  if (!current) {
    await beforeBuild();
    return { result: await build(request, wh, clock, { compiled }), rebuilt: true, testsReused: false };
  }
  const passed = await testsPassedAtLastBuild(wh, dataTestSet(compiled.graph));
  const holds = `the warehouse holds a complete build of everything landed (period ${currentPeriod})`;
  if (passed) {
    request.reporter.log('info', `${holds}, whose ${passed.tests} data test(s) all passed: not running them again`, { rebuilt: false, tests_reused: true });
    return { result: passed, rebuilt: false, testsReused: true };
  }
  request.reporter.log('info', `${holds}: running the data tests only`, { rebuilt: false });
  return { result: await build(request, wh, clock, { testsOnly: true, compiled }), rebuilt: false, testsReused: false };
}

/**
 * The build the close checks look at ({@link buildForChecks}) and the checks on it: the reconciliations started early
 * (early-reconciliations.ts) when the warehouse was current, else run again on what the build wrote.
 */
async function checksOnBuild(
  request: PeriodRequest,
  wh: Warehouse,
  clock: () => Date,
  currentPeriod: number,
  compiled: Compiled,
  early: EarlyReconciliations,
): Promise<{ checks: CloseCheck[]; builtForChecks: boolean; testsReused: boolean }> {
  const { result, rebuilt, testsReused } = await buildForChecks(request, wh, clock, currentPeriod, compiled, () => early.discard());
  const reconciliations = rebuilt ? await runReconciliations(wh) : await early.take();
  return { checks: [dataTestsCheck(result), ...reconciliations], builtForChecks: rebuilt, testsReused };
}

/**
 * Starts the reconciliations before the project is loaded and compiled and the freshness check runs, which then run
 * beside them (early-reconciliations.ts; JavaScript cannot run beside JavaScript, so their queries go first), and
 * stops them if `fn` did not take them.
 */
async function withEarlyReconciliations<T>(wh: Warehouse, fn: (early: EarlyReconciliations) => Promise<T>): Promise<T> {
  const early = await startReconciliations(wh);
  try {
    return await fn(early);
  } finally {
    await early.discard();
  }
}

/**
 * `revrec period check`: builds the current period and runs the close checks (seed 002's reconciliations, the data
 * tests, FX-pending records; see `close-checks.ts`) without closing anything.
 */
export async function checkPeriod(request: PeriodRequest): Promise<CheckOutcome> {
  const clock = request.clock ?? systemClock;
  return withWarehouse(request, 'revrec period check', async (wh, first, project) => {
    const state = await readPeriodState(wh, first);
    return withEarlyReconciliations(wh, async (early) => {
      const compiled = compileLoaded(await project(), request.vars);
      const { checks } = await checksOnBuild(request, wh, clock, state.currentPeriod, compiled, early);
      return { period: state.currentPeriod, checks };
    });
  });
}

/**
 * `revrec period close`: builds the current period, runs the close checks (`close-checks.ts`: every data test passes,
 * no record is FX-pending, the waterfall reconciles with the deferred revenue and unbilled receivable schedules, the
 * revenue ties to the journals), freezes it, builds the next period so the books show it at once, and runs the
 * close-period export when configured. With `force`, failed checks are recorded with the close instead of stopping
 * it. An export that fails leaves the close in place and is reported in `export.error`.
 */
export async function closePeriod(request: CloseRequest): Promise<CloseOutcome> {
  const clock = request.clock ?? systemClock;
  return withWarehouse(request, 'revrec period close', async (wh, first, project) => {
    const state = await readPeriodState(wh, first);
    const period = request.period ?? state.currentPeriod;
    if (period !== state.currentPeriod) {
      throw new ExecutionError(`period ${period} is not the current period (${state.currentPeriod})`, {
        hint: period < state.currentPeriod ? `it is already closed; reopen it with revrec period reopen` : `close ${state.currentPeriod} first; periods close in order`,
      });
    }
    const { exportConfig, endCompaction, compiled, checks, builtForChecks, testsReused } = await withEarlyReconciliations(wh, async (early) => {
      const loaded = await project();
      // Read the export settings first: a configuration mistake should stop the close before anything is frozen.
      const exportConfig = readExportConfig(loaded.settings.sections, loaded.root).closePeriod;
      // A close is a compaction run (src/warehouse/vacuum.ts): its builds rewrite the current period's rows anyway.
      const endCompaction = await beginCompaction(wh, loaded.settings.warehouse, 'period close');
      // compiled once: the close builds before its checks and after its freeze
      const compiled = compileLoaded(loaded, request.vars);
      return { exportConfig, endCompaction, compiled, ...(await checksOnBuild(request, wh, clock, period, compiled, early)) };
    });
    const reasons = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.summary}`);
    if (reasons.length > 0 && !request.force) return { closed: false, period, reasons, forced: false, linesFrozen: 0, checks, builtForChecks, testsReused };
    const { linesFrozen } = await freezePeriod(wh, state, {
      period,
      closedAt: clock(),
      forced: reasons.length > 0,
      forceReasons: reasons,
      invocationId: randomUUID(),
    });
    const rebuilt = await build(request, wh, clock, { compiled });
    await endCompaction?.();
    const outcome = { closed: true, period, reasons, forced: reasons.length > 0, linesFrozen, checks, builtForChecks, testsReused };
    if (request.export === false || !exportConfig.enabled) return { ...outcome, export: { status: 'not_configured', files: 0 } };
    if (rebuilt && !succeeded(rebuilt)) {
      const error = new ExecutionError(`period ${period} is closed, but building the next period failed, so it was not exported`, {
        hint: `fix the build, run revrec build, then revrec export close --period ${period}`,
      });
      return { ...outcome, export: { status: 'failed', files: 0, error } };
    }
    try {
      const exported = await exportClosedPeriod(wh, { job: exportConfig, period, clock, reporter: request.reporter, ...(request.exportTempRoot ? { tempRoot: request.exportTempRoot } : {}) });
      return { ...outcome, export: { status: 'delivered', files: exported.files.length } };
    } catch (error) {
      const wrapped =
        error instanceof RevrecError
          ? error
          : new ExecutionError(`the close-period export of ${period} failed: ${(error as Error).message}`, { cause: error, hint: `revrec export close --period ${period}` });
      return { ...outcome, export: { status: 'failed', files: 0, error: wrapped } };
    }
  });
}

/** `revrec period reopen`: reopens the latest closed period and rebuilds it as the current period. */
export async function reopenLatestPeriod(request: PeriodRequest): Promise<{ period: number }> {
  const clock = request.clock ?? systemClock;
  return withWarehouse(request, 'revrec period reopen', async (wh, first) => {
    const state = await readPeriodState(wh, first);
    const result = await reopenPeriod(wh, state);
    await build(request, wh, clock);
    return result;
  });
}
