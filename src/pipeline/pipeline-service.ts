import { randomUUID } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { EXIT_CODES, messageOf } from '../errors.js';
import type { CompiledGraph } from '../compile/graph-types.js';
import { runExtract } from '../extract/extract-service.js';
import { loadProject } from '../project/load-project.js';
import type { Project } from '../project/types.js';
import type { Reporter } from '../reporter/reporter.js';
import { compileLoaded, runBuild } from '../run/invocation.js';
import { countByStatus, succeeded } from '../run/run-types.js';
import { publishWarehouse } from '../warehouse/publish.js';
import { ensureStateTables } from '../warehouse/state-tables.js';
import { Warehouse } from '../warehouse/warehouse.js';
import type { PipelineStep } from './pipeline-steps.js';
import { keepRunArtifacts } from './run-artifacts.js';

export interface PipelineRequest {
  readonly projectDir: string;
  readonly steps: readonly PipelineStep[];
  readonly reporter: Reporter;
  readonly clock: () => Date;
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Run every extract source and export job, not only those due. */
  readonly all?: boolean;
  readonly fullRefresh?: boolean;
}

export interface StepOutcome {
  readonly step: PipelineStep;
  readonly status: 'success' | 'warn' | 'error' | 'skipped';
  readonly message: string;
  readonly durationMs: number;
}

export interface PipelineOutcome {
  readonly invocationId: string;
  readonly exitCode: number;
  readonly steps: readonly StepOutcome[];
  readonly runDir: string;
}

/** An export step supplied by the export layer (continuous export when due); registered to keep pipeline → export one-way. */
export type ExportStep = (wh: Warehouse, context: { project: Project; reporter: Reporter; clock: () => Date; ifDue: boolean; invocationId: string }) => Promise<{ status: 'success' | 'warn' | 'error'; message: string }>;
let exportStep: ExportStep | undefined;
export function registerExportStep(step: ExportStep): void {
  exportStep = step;
}

/**
 * `revrec pipeline`: due extracts → seeds, models and data tests (build) → due exports → publish the read-only copy,
 * under one lock and one invocation id. A failed step skips the steps that need it (build failed: no export, no
 * publish); every step is safe to re-run, so re-running after a failure resumes. Exit 0 when everything passed (also
 * with warnings, which are said), 1 when a step failed.
 */
export async function runPipeline(request: PipelineRequest): Promise<PipelineOutcome> {
  const invocationId = randomUUID();
  const reporter = request.reporter;
  reporter.context({ invocation_id: invocationId, command: 'pipeline' });
  const project = await loadProject(request.projectDir);
  const targetDir = isAbsolute(project.settings.targetPath) ? project.settings.targetPath : join(project.root, project.settings.targetPath);
  const opening = Warehouse.open(project.settings.warehouse, { root: project.root, command: 'revrec pipeline' });
  // Compiled (synchronous JavaScript, 0.1–0.2 s) while DuckDB opens the file on its own thread; the build step uses
  // it instead of loading and compiling the project again. A compile error is the build step's error, as in `build`.
  let compiled: { project: Project; graph: CompiledGraph } | { error: unknown } | undefined;
  if (request.steps.includes('build')) {
    try {
      compiled = compileLoaded(project, request.vars);
    } catch (error) {
      compiled = { error };
    }
  }
  const wh = await opening;
  const steps: StepOutcome[] = [];
  let buildOk = true;
  try {
    await ensureStateTables(wh);
    for (const step of request.steps) {
      reporter.context({ step });
      const t0 = performance.now();
      const finish = (status: StepOutcome['status'], message: string) => {
        const outcome = { step, status, message, durationMs: Math.round(performance.now() - t0) };
        steps.push(outcome);
        reporter.log(status === 'error' ? 'error' : status === 'warn' ? 'warn' : 'info', `step ${step}: ${status} (${message})`, { status, duration_ms: outcome.durationMs });
      };
      try {
        switch (step) {
          case 'extract': {
            const result = await runExtract(wh, { sections: project.settings.sections, root: project.root, reporter, clock: request.clock, ifDue: !request.all, invocationId });
            const files = result.sources.flatMap((s) => s.files);
            const transferErrors = files.filter((f) => f.status === 'transfer_error').length + result.sources.filter((s) => s.error).length;
            const failed = files.filter((f) => f.status === 'failed').length;
            const loaded = files.filter((f) => f.status === 'loaded').length;
            const message = `${loaded} file(s) loaded, ${failed} unreadable, ${transferErrors} transfer error(s)${result.skippedNotDue.length ? `; not due: ${result.skippedNotDue.join(', ')}` : ''}`;
            finish(transferErrors ? 'error' : failed ? 'warn' : 'success', message);
            break;
          }
          case 'build': {
            if (!compiled || 'error' in compiled) throw compiled?.error ?? new Error('Unexpected: the project was not compiled for the build step');
            const outcome = await runBuild({
              command: 'build',
              projectDir: request.projectDir,
              compiled,
              ...(request.vars ? { vars: request.vars } : {}),
              reporter,
              warehouse: wh,
              invocationId,
              clock: request.clock,
              fullRefresh: request.fullRefresh ?? false,
            });
            const counts = outcome.result ? countByStatus(outcome.result) : undefined;
            buildOk = outcome.result ? succeeded(outcome.result) : false;
            const message = counts ? `PASS=${counts.success + counts.pass} WARN=${counts.warn} ERROR=${counts.error + counts.fail} SKIP=${counts.skipped}` : 'nothing built';
            finish(!buildOk ? 'error' : counts && counts.warn > 0 ? 'warn' : 'success', message);
            break;
          }
          case 'export': {
            if (!buildOk) {
              finish('skipped', 'the build failed');
              break;
            }
            if (!exportStep) {
              finish('skipped', 'no export jobs are configured');
              break;
            }
            const result = await exportStep(wh, { project, reporter, clock: request.clock, ifDue: !request.all, invocationId });
            finish(result.status, result.message);
            break;
          }
          case 'publish': {
            const publishPath = project.settings.warehouse.publishPath;
            if (!buildOk) finish('skipped', 'the build failed: analysts keep the last good copy');
            else if (!publishPath) finish('skipped', 'warehouse.publish_path is not set');
            else {
              const published = await publishWarehouse(wh, publishPath, project.root);
              const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
              finish('success', `${published.path} (${kib(published.bytes)}; ${published.how === 'patched' ? `patched in place, ${kib(published.written)} written` : 'copied whole'})`);
            }
            break;
          }
          default:
            throw new Error(`Unexpected pipeline step ${String(step)}`);
        }
      } catch (error) {
        finish('error', messageOf(error));
        if (step === 'build') buildOk = false;
      }
    }
  } finally {
    wh.close();
  }
  const failed = steps.some((s) => s.status === 'error');
  const warned = steps.some((s) => s.status === 'warn');
  const summary = { invocation_id: invocationId, finished_at: request.clock().toISOString(), steps };
  const runDir = await keepRunArtifacts(targetDir, invocationId, summary);
  reporter.context({ step: undefined });
  if (failed) reporter.log('error', `pipeline failed: ${steps.filter((s) => s.status === 'error').map((s) => s.step).join(', ')}; artifacts in ${runDir}`);
  else reporter.log(warned ? 'warn' : 'info', `pipeline finished${warned ? ' with warnings (exit code 0)' : ''}; artifacts in ${runDir}`);
  return { invocationId, exitCode: failed ? EXIT_CODES.failure : EXIT_CODES.ok, steps, runDir };
}
