import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import { isDue } from '../extract/schedule.js';
import type { Reporter } from '../reporter/reporter.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { markChangesTaken, readChangeSlice } from '../periods/change-log.js';
import { bundleEarlierRecords, commitChanges, payloadTable, stageChanges } from './continuous-changes.js';
import { CONTINUOUS_CONSUMER, clearExportSlice, recordSlice, setExportSlice } from './continuous-slice.js';
import type { TypeChanges } from './continuous-changes.js';
import type { ContinuousJobConfig } from './export-config.js';
import { readExportContext } from './export-context.js';
import { DeliveryQueue, ExportDeliveryError } from './export-delivery.js';
import { amountScaleOf, writeTypeFiles } from './export-file-writer.js';
import type { WrittenFile } from './export-file-writer.js';
import { manifestEntry, writeManifest } from './export-manifest.js';
import type { ManifestFileEntry } from './export-manifest.js';
import { continuousFileName, continuousManifestName } from './export-names.js';
import { lastSuccessfulRun, recordDeliveries, recordFiles, recordRunEnd, recordRunStart } from './export-records.js';
import { timestampLiteral, withStagingDir } from './export-staging.js';
import { EXPORT_TYPES, exportType } from './export-types.js';
import type { ExportType } from './export-types.js';
import type { ExportOutcome } from './close-period-export.js';

export interface ContinuousExportRequest {
  readonly job: ContinuousJobConfig;
  readonly clock: () => Date;
  readonly reporter: Reporter;
  /** Only when the schedule says so (daily at 23:00 UTC by default) and it did not run since. */
  readonly ifDue?: boolean;
  readonly invocationId?: string;
  readonly tempRoot?: string;
}

export interface ContinuousOutcome extends Partial<ExportOutcome> {
  /** `not_due` (with ifDue), `empty` (nothing new: no file written) or `delivered`. */
  readonly status: 'not_due' | 'empty' | 'delivered';
  /** Per type: records sent (new or changed), zero rows of vanished records, records held back (FX-pending). */
  readonly changes: Readonly<Partial<Record<string, TypeChanges>>>;
}

/**
 * The continuous export (seed 000, exports.md): every record of the nine types not delivered before or changed since
 * (compared per `_record_key` with the values last delivered), a vanished record once more with its amounts at 0, each type in one file
 * `continuousexport-<type>-<version>.<ext>` (version = the highest `Version` in it, `Version` the last column), then
 * `continuousexport-manifest-<version>.json`. Records behind an FX-pending line are held back until the rate arrives.
 * Journals only for closed periods. Nothing new: no file at all. What was sent is remembered in
 * `meta.continuous_sent_<type>` only after every destination accepted every file, so a crash or a failed delivery
 * sends the same records again next time instead of losing them.
 */
export async function exportContinuous(wh: Warehouse, request: ContinuousExportRequest): Promise<ContinuousOutcome> {
  const { job } = request;
  if (job.destinations.length === 0) {
    throw new ConfigError('no destination is configured for the continuous export', { location: { file: 'pipeline.yml' }, hint: 'add exports.continuous.destinations' });
  }
  const now = request.clock();
  if (request.ifDue && !isDue(job.schedule, await lastSuccessfulRun(wh, 'continuous'), now)) {
    request.reporter.log('info', `continuous export: not due (${job.schedule.every} at ${job.schedule.at} ${job.schedule.timezone})`, { due: false });
    return { status: 'not_due', changes: {} };
  }
  const context = await readExportContext(wh);
  const newestLoad = await newestLoadVersion(wh);
  const exportId = randomUUID();
  await recordRunStart(wh, { exportId, job: 'continuous', startedAt: now, invocationId: request.invocationId ?? exportId });
  const changes: Record<string, TypeChanges> = {};
  const dataTypes = EXPORT_TYPES.filter((t) => t.model);
  // What the builds since the last export rebuilt: only those orders' records are compared, unless anything may
  // have changed (a full rebuild, a close, the first run); and only the periods they reached (after a close: the
  // closed period and the current one, not the history).
  const changeLog = await readChangeSlice(wh, CONTINUOUS_CONSUMER);
  try {
    if (!changeLog.everything) await setExportSlice(wh);
    try {
      for (const type of dataTypes) {
        const slice = changeLog.everything ? undefined : recordSlice(type);
        changes[type.name] = await stageChanges(wh, type, {
          currentPeriod: context.currentPeriod,
          newestLoad,
          fromPeriod: changeLog.fromPeriod,
          ...(slice ? { slice } : {}),
        });
      }
    } finally {
      if (!changeLog.everything) await clearExportSlice(wh);
    }
    const versions = Object.values(changes).flatMap((c) => (c.version === null ? [] : [c.version]));
    if (versions.length === 0) {
      await wh.transaction(async () => {
        await markChangesTaken(wh, CONTINUOUS_CONSUMER, changeLog.through);
        await recordRunEnd(wh, exportId, { status: 'empty', finishedAt: request.clock(), files: 0, rows: 0 });
      });
      const held = Object.values(changes).reduce((sum, c) => sum + c.held, 0);
      request.reporter.log('info', `continuous export: nothing new${held ? ` (${held} record(s) held back: FX-pending)` : ''}`, { files: 0, held });
      return { status: 'empty', exportId, files: [], deliveries: [], changes };
    }
    const runVersion = versions.reduce((a, b) => (b > a ? b : a));
    return await withStagingDir(request.tempRoot, async (dir) => {
      const queue = new DeliveryQueue(job.destinations, { reporter: request.reporter, clock: request.clock });
      const fileVersions = new Map<ExportType, bigint>();
      const manifestName = continuousManifestName(runVersion);
      let files: WrittenFile[];
      let manifest: WrittenFile;
      try {
        const amountScale = await amountScaleOf(wh);
        const write = async (type: ExportType, source: string, version: bigint) => {
          const written = await writeTypeFiles(wh, {
            type,
            source,
            formats: job.formats,
            dir,
            fileName: (format) => continuousFileName(type.name, version, format),
            withVersion: true,
            amountScale,
          });
          queue.enqueueData(written.files);
        };
        for (const type of dataTypes) {
          const version = changes[type.name]!.version;
          if (version === null) continue;
          fileVersions.set(type, version);
          await bundleEarlierRecords(wh, type, version);
          await write(type, payloadTable(type), version);
        }
        // control: which period was last closed and when this export ran, with the run's version.
        await wh.run(
          `CREATE OR REPLACE TEMP TABLE revrec_cx_control AS SELECT CAST(${context.lastClosedPeriod ?? 'NULL'} AS INTEGER) AS Closed_Period, ${timestampLiteral(now)} AS Export_Timestamp, CAST(${runVersion} AS BIGINT) AS Version`,
        );
        await write(exportType('control'), 'revrec_cx_control', runVersion);
        files = await queue.dataFiles();
        const earlier = await earlierManifestEntries(wh, manifestName, files.map((f) => f.name));
        manifest = await writeManifest(join(dir, manifestName), {
          job: 'continuous',
          version: Number(runVersion),
          generated_at: now.toISOString(),
          home_currency: context.homeCurrency,
          export_amounts: context.exportAmounts,
          files: [...earlier, ...files.map(manifestEntry)],
        });
      } catch (error) {
        // Let the uploads already queued finish (or fail) and release the connections before giving up.
        await queue.settle();
        throw error;
      }
      files.push(manifest);
      const { deliveries, firstError } = await queue.finish(manifest);
      const failures = deliveries.filter((d) => d.status === 'failed');
      const rows = files.filter((f) => f.type !== 'manifest' && f.format === job.formats[0]).reduce((sum, f) => sum + f.rows, 0);
      // Remember what was sent only when every destination has every file: otherwise the next run sends it again.
      await wh.transaction(async () => {
        await recordFiles(wh, exportId, manifestName, files);
        await recordDeliveries(wh, exportId, deliveries);
        if (!failures.length) {
          for (const [type, version] of fileVersions) await commitChanges(wh, type, version, exportId);
          await markChangesTaken(wh, CONTINUOUS_CONSUMER, changeLog.through);
        }
        await recordRunEnd(wh, exportId, {
          status: failures.length ? 'failed' : 'delivered',
          finishedAt: request.clock(),
          files: files.length,
          rows,
          version: Number(runVersion),
          ...(failures.length ? { error: failures[0]!.error ?? 'delivery failed' } : {}),
        });
      });
      if (failures.length) throw new ExportDeliveryError(failures, 'revrec export continuous (the same records are sent again)', firstError);
      return { status: 'delivered', exportId, files, deliveries, version: runVersion, changes };
    });
  } catch (error) {
    if (!(error instanceof ExportDeliveryError)) {
      await recordRunEnd(wh, exportId, { status: 'failed', finishedAt: request.clock(), files: 0, rows: 0, error: messageOf(error) }).catch(() => undefined);
    }
    throw error;
  } finally {
    for (const type of dataTypes) await wh.run(`DROP TABLE IF EXISTS ${payloadTable(type)}`).catch(() => undefined);
    await wh.run('DROP TABLE IF EXISTS revrec_cx_control').catch(() => undefined);
  }
}

/** The newest load version (meta.load_manifest), the Version a vanished record's zero row carries at least. */
async function newestLoadVersion(wh: Warehouse): Promise<bigint> {
  if (!(await wh.relationExists('meta', 'load_manifest'))) return 0n;
  const value = await wh.scalar<string | null>("SELECT CAST(max(version) AS VARCHAR) FROM meta.load_manifest WHERE status = 'loaded'");
  return value ? BigInt(value) : 0n;
}

/**
 * Files an earlier, delivered run listed in a manifest of the same name that this run does not rewrite: the manifest
 * keeps listing them, so overwriting it never hides a file.
 */
async function earlierManifestEntries(wh: Warehouse, manifestName: string, rewritten: readonly string[]): Promise<ManifestFileEntry[]> {
  const rows = await wh.rows<{ file_name: string; export_type: string; format: string; rows_total: string; bytes: string; sha256: string; control_totals: string | null }>(
    `SELECT f.file_name, f.export_type, f.format, f.rows_total, f.bytes, f.sha256, f.control_totals
     FROM meta.export_files AS f JOIN meta.export_runs AS r USING (export_id)
     WHERE f.manifest_name = $1 AND r.status = 'delivered' AND f.format <> 'json'
     QUALIFY row_number() OVER (PARTITION BY f.file_name ORDER BY r.started_at DESC) = 1
     ORDER BY f.file_name`,
    [manifestName],
  );
  return rows
    .filter((r) => !rewritten.includes(r.file_name))
    .map((r) => ({
      name: r.file_name,
      type: r.export_type,
      format: r.format,
      rows: Number(r.rows_total),
      bytes: Number(r.bytes),
      sha256: r.sha256,
      control_totals: (r.control_totals ? (typeof r.control_totals === 'string' ? JSON.parse(r.control_totals) : r.control_totals) : {}) as Record<string, string>,
    }));
}
