import { messageOf } from '../errors.js';
import { registerExportStep } from '../pipeline/pipeline-service.js';
import type { ExportStep } from '../pipeline/pipeline-service.js';
import { exportClosedPeriod } from './close-period-export.js';
import { exportContinuous } from './continuous-export.js';
import { readExportConfig } from './export-config.js';
import './export-tables.js';

/**
 * The `export` step of `revrec pipeline`: exports the latest closed period again when its close-period export was
 * never delivered (a delivery that failed at the close, or a close killed after its freeze), then runs the continuous
 * export when due (or always with `--all`). Registered on import, so the pipeline never imports the export layer.
 */
export const pipelineExportStep: ExportStep = async (wh, context) => {
  const project = context.project;
  const config = readExportConfig(project.settings.sections, project.root);
  const messages: string[] = [];
  let status: 'success' | 'warn' | 'error' = 'success';
  if (config.closePeriod.enabled) {
    // Not delivered: its last run failed, or was still `running` when its process died, or never started (killed
    // between the freeze and the export). One writer at a time, so a `running` row here is always a dead run's.
    const [last] = await wh.rows<{ actg_period: number; delivered: boolean }>(
      `SELECT c.actg_period, EXISTS (SELECT 1 FROM meta.export_runs AS r WHERE r.job = 'close_period' AND r.actg_period = c.actg_period AND r.status = 'delivered') AS delivered
       FROM meta.period_closes AS c ORDER BY c.actg_period DESC LIMIT 1`,
    );
    if (last && !last.delivered) {
      try {
        const outcome = await exportClosedPeriod(wh, { job: config.closePeriod, period: Number(last.actg_period), clock: context.clock, reporter: context.reporter, invocationId: context.invocationId });
        messages.push(`close-period export of ${last.actg_period} retried: ${outcome.files.length} file(s)`);
      } catch (error) {
        status = 'error';
        messages.push(`close-period export of ${last.actg_period} failed again: ${messageOf(error)}`);
      }
    }
  }
  if (config.continuous.enabled) {
    try {
      const outcome = await exportContinuous(wh, { job: config.continuous, clock: context.clock, reporter: context.reporter, ifDue: context.ifDue, invocationId: context.invocationId });
      messages.push(
        outcome.status === 'delivered' ? `continuous export ${outcome.version}: ${outcome.files?.length ?? 0} file(s)` : outcome.status === 'empty' ? 'continuous export: nothing new' : 'continuous export: not due',
      );
    } catch (error) {
      status = 'error';
      messages.push(`continuous export failed: ${messageOf(error)}`);
    }
  } else {
    messages.push('continuous export not configured');
  }
  return { status, message: messages.join('; ') };
};

registerExportStep(pipelineExportStep);
