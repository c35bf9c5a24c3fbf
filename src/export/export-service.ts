import { systemClock } from '../clock.js';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, ExecutionError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import type { Project } from '../project/types.js';
import type { Reporter } from '../reporter/reporter.js';
import { ensureStateTables } from '../warehouse/state-tables.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { exportClosedPeriod } from './close-period-export.js';
import type { ExportOutcome } from './close-period-export.js';
import { exportContinuous } from './continuous-export.js';
import type { ContinuousOutcome } from './continuous-export.js';
import { readExportConfig } from './export-config.js';
import './export-tables.js';
import { writeRevenueDetail } from './revenue-detail/revenue-detail-report.js';
import type { RevenueDetailFormat, RevenueDetailOutcome } from './revenue-detail/revenue-detail-report.js';

export interface ExportRequest {
  readonly projectDir: string;
  readonly reporter: Reporter;
  readonly clock?: () => Date;
  readonly env?: NodeJS.ProcessEnv;
  /** Parent of the local staging folder (default: the OS temp folder). */
  readonly tempRoot?: string;
}

/** Opens the project's warehouse for writing (export bookkeeping lives in `meta`), runs `fn`, closes. */
async function withProjectWarehouse<T>(request: ExportRequest, command: string, fn: (wh: Warehouse, project: Project) => Promise<T>): Promise<T> {
  const project = await loadProject(request.projectDir, request.env ?? process.env);
  const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command });
  try {
    await ensureStateTables(wh);
    return await fn(wh, project);
  } finally {
    wh.close();
  }
}

/**
 * `revrec export close [--period YYYYMM]`: the close-period export of a closed period (default: the latest), again.
 * This is how a failed delivery after `revrec period close` is retried; the files are rewritten under the same names.
 */
export async function runCloseExport(request: ExportRequest & { readonly period?: number }): Promise<ExportOutcome> {
  return withProjectWarehouse(request, 'revrec export close', async (wh, project) => {
    const job = readExportConfig(project.settings.sections, project.root).closePeriod;
    if (!job.enabled) {
      throw new ConfigError('the close-period export is not configured (or disabled)', {
        location: { file: 'pipeline.yml' },
        hint: 'set exports.close_period with formats and destinations',
      });
    }
    const period = request.period ?? Number((await wh.scalar('SELECT max(actg_period) FROM meta.period_closes')) ?? NaN);
    if (Number.isNaN(period)) throw new ExecutionError('no period is closed yet, so there is nothing to export', { hint: 'close one with revrec period close' });
    return exportClosedPeriod(wh, { job, period, clock: request.clock ?? systemClock, reporter: request.reporter, ...(request.tempRoot ? { tempRoot: request.tempRoot } : {}) });
  });
}

/** `revrec export continuous [--if-due]`: everything new or changed since the last continuous export. */
export async function runContinuousExport(request: ExportRequest & { readonly ifDue?: boolean }): Promise<ContinuousOutcome> {
  return withProjectWarehouse(request, 'revrec export continuous', async (wh, project) => {
    const job = readExportConfig(project.settings.sections, project.root).continuous;
    if (!job.enabled) {
      throw new ConfigError('the continuous export is not configured (or disabled)', {
        location: { file: 'pipeline.yml' },
        hint: 'set exports.continuous with formats, destinations and a schedule',
      });
    }
    return exportContinuous(wh, {
      job,
      clock: request.clock ?? systemClock,
      reporter: request.reporter,
      ifDue: request.ifDue ?? false,
      ...(request.tempRoot ? { tempRoot: request.tempRoot } : {}),
    });
  });
}

/**
 * `revrec export revenue-detail --period YYYYMM --format csv|xlsx [--out path]`: the revenue detail report (seed 003)
 * for a period, read from the built models without taking the warehouse's write lock. Default file:
 * `revenue-detail-<YYYYMM>.<csv|xlsx>` in the current folder.
 */
export async function runRevenueDetail(
  request: Omit<ExportRequest, 'tempRoot'> & { readonly period: number; readonly format: RevenueDetailFormat; readonly out?: string },
): Promise<RevenueDetailOutcome> {
  const project = await loadProject(request.projectDir, request.env ?? process.env);
  const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, readOnly: true });
  try {
    return await writeRevenueDetail(wh, {
      period: request.period,
      format: request.format,
      outPath: resolve(request.out ?? `revenue-detail-${request.period}.${request.format}`),
      generatedAt: (request.clock ?? systemClock)(),
      generatedBy: currentUser(),
    });
  } finally {
    wh.close();
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
