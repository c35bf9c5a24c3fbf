import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { relationName } from '../compile/node-ids.js';
import { ConfigError, ExecutionError, messageOf } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExportJobConfig } from './export-config.js';
import { readExportContext } from './export-context.js';
import { DeliveryQueue, ExportDeliveryError } from './export-delivery.js';
import type { FileDelivery } from './export-delivery.js';
import { amountScaleOf, writeTypeFiles } from './export-file-writer.js';
import type { WrittenFile } from './export-file-writer.js';
import { manifestEntry, writeManifest } from './export-manifest.js';
import { closeFileName, closeManifestName } from './export-names.js';
import { recordDeliveries, recordFiles, recordRunEnd, recordRunStart } from './export-records.js';
import { timestampLiteral, withStagingDir } from './export-staging.js';
import { EXPORT_TYPES } from './export-types.js';
import type { ExportType } from './export-types.js';

export interface CloseExportRequest {
  readonly job: ExportJobConfig;
  /** A closed period (YYYYMM). */
  readonly period: number;
  readonly clock: () => Date;
  readonly reporter: Reporter;
  readonly invocationId?: string;
  /** Parent of the local staging folder (default: the OS temp folder). */
  readonly tempRoot?: string;
}

/** What one export run produced. */
export interface ExportOutcome {
  readonly exportId: string;
  /** Data files, then the manifest. Empty when nothing was exported. */
  readonly files: readonly WrittenFile[];
  readonly deliveries: readonly FileDelivery[];
  readonly period?: number;
  readonly version?: bigint;
}

/**
 * The close-period export (seed 000, exports.md): all nine types for one closed period, each in every configured
 * format (`closedperiodexport-<type>-<YYYYMM>.<ext>`, an empty type header-only), and the manifest, to every
 * destination. The period's rows are frozen, so exporting it again (reopen and close, or a retry with
 * `revrec export close --period`) writes the same data under the same names; only control's timestamp moves.
 *
 * Each type is written with `COPY` of its export SELECT over `exports.exp_<type>` (orders and invoices: the frozen
 * snapshot the model returns for a closed period, ExportType.frozenSnapshot) to a temporary name in a local
 * staging folder, hashed, and queued for delivery at once (uploads overlap the next `COPY`); the manifest goes last. The run, its files and every delivery
 * are recorded in `meta.export_*`. A failed delivery throws {@link ExportDeliveryError} after recording it.
 */
export async function exportClosedPeriod(wh: Warehouse, request: CloseExportRequest): Promise<ExportOutcome> {
  const { job, period } = request;
  if (job.destinations.length === 0) {
    throw new ConfigError('no destination is configured for the close-period export', { location: { file: 'pipeline.yml' }, hint: 'add exports.close_period.destinations' });
  }
  const closed = Number(await wh.scalar('SELECT count(*) FROM meta.period_closes WHERE actg_period = $1', [period]));
  if (closed === 0) {
    throw new ExecutionError(`period ${period} is not closed, so it has no close-period export`, { hint: 'close it with revrec period close, or pick a closed period (revrec period status)' });
  }
  const context = await readExportContext(wh);
  const exportId = randomUUID();
  const startedAt = request.clock();
  await recordRunStart(wh, { exportId, job: 'close_period', period, startedAt, invocationId: request.invocationId ?? exportId });
  try {
    return await withStagingDir(request.tempRoot, async (dir) => {
      const queue = new DeliveryQueue(job.destinations, { reporter: request.reporter, clock: request.clock });
      const manifestName = closeManifestName(period);
      let files: WrittenFile[];
      let manifest: WrittenFile;
      try {
        const amountScale = await amountScaleOf(wh);
        for (const type of EXPORT_TYPES) {
          const written = await writeTypeFiles(wh, {
            type,
            ...sourceOf(type, period, startedAt),
            formats: job.formats,
            dir,
            fileName: (format) => closeFileName(type.name, period, format),
            withVersion: false,
            amountScale,
          });
          queue.enqueueData(written.files);
        }
        files = await queue.dataFiles();
        manifest = await writeManifest(join(dir, manifestName), {
          job: 'close_period',
          period,
          generated_at: startedAt.toISOString(),
          home_currency: context.homeCurrency,
          export_amounts: context.exportAmounts,
          files: files.map(manifestEntry),
        });
      } catch (error) {
        // Let the uploads already queued finish (or fail) and release the connections before giving up.
        await queue.settle();
        throw error;
      }
      files.push(manifest);
      const { deliveries, firstError } = await queue.finish(manifest);
      const failures = deliveries.filter((d) => d.status === 'failed');
      const rows = files.filter((f) => f.type !== 'manifest').reduce((sum, f) => sum + f.rows, 0);
      await wh.transaction(async () => {
        await recordFiles(wh, exportId, manifestName, files);
        await recordDeliveries(wh, exportId, deliveries);
        await recordRunEnd(wh, exportId, {
          status: failures.length ? 'failed' : 'delivered',
          finishedAt: request.clock(),
          files: files.length,
          rows,
          ...(failures.length ? { error: failures[0]!.error ?? 'delivery failed' } : {}),
        });
      });
      if (failures.length) throw new ExportDeliveryError(failures, `revrec export close --period ${period}`, firstError);
      return { exportId, files, deliveries, period };
    });
  } catch (error) {
    if (!(error instanceof ExportDeliveryError)) {
      await recordRunEnd(wh, exportId, { status: 'failed', finishedAt: request.clock(), files: 0, rows: 0, error: messageOf(error) }).catch(() => undefined);
    }
    throw error;
  }
}

/** Where a type's rows for the period come from: its export model, or for control one row made here. */
function sourceOf(type: ExportType, period: number, exportedAt: Date): { source: string; where?: string } {
  if (!type.model) {
    // control: which period closed and when this export ran.
    return { source: `(SELECT CAST(${period} AS INTEGER) AS Closed_Period, ${timestampLiteral(exportedAt)} AS Export_Timestamp)` };
  }
  // a closed period's rows of orders and invoices are the frozen snapshot's, which the model itself returns for it
  const relation = type.frozenSnapshot ? relationName('meta', type.frozenSnapshot) : relationName('exports', type.model);
  return { source: relation, where: `Actg_Period = ${period}` };
}
