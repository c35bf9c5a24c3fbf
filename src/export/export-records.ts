import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExportJobName } from './export-config.js';
import type { FileDelivery } from './export-delivery.js';
import type { WrittenFile } from './export-file-writer.js';
import './export-tables.js';

export type ExportRunStatus = 'running' | 'delivered' | 'failed' | 'empty';

/** Records the start of an export run (`meta.export_runs`). */
export async function recordRunStart(
  wh: Warehouse,
  run: { exportId: string; job: ExportJobName; period?: number; startedAt: Date; invocationId: string },
): Promise<void> {
  await wh.run('INSERT INTO meta.export_runs (export_id, job, actg_period, started_at, status, invocation_id) VALUES ($1, $2, $3, $4, $5, $6)', [
    run.exportId,
    run.job,
    run.period ?? null,
    run.startedAt.toISOString(),
    'running',
    run.invocationId,
  ]);
}

/** Records the files a run wrote (`meta.export_files`), data files and manifest. */
export async function recordFiles(wh: Warehouse, exportId: string, manifestName: string, files: readonly WrittenFile[]): Promise<void> {
  await insertRows(
    wh,
    'INSERT OR REPLACE INTO meta.export_files (export_id, file_name, manifest_name, export_type, format, rows_total, bytes, sha256, control_totals)',
    files.map((f) => [exportId, f.name, manifestName, f.type, f.format, f.rows, f.bytes, f.sha256, JSON.stringify(f.controlTotals)]),
  );
}

/** Records where each file went (`meta.export_deliveries`). */
export async function recordDeliveries(wh: Warehouse, exportId: string, deliveries: readonly FileDelivery[]): Promise<void> {
  await insertRows(
    wh,
    'INSERT OR REPLACE INTO meta.export_deliveries (export_id, destination, store, file_name, status, error_message, delivered_at)',
    deliveries.map((d) => [exportId, d.destination, d.store, d.file, d.status, d.error ?? null, d.deliveredAt ? d.deliveredAt.toISOString() : null]),
  );
}

/** One multi-row INSERT (one statement, one commit) with positional parameters. */
async function insertRows(wh: Warehouse, insert: string, rows: readonly (readonly (string | number | null)[])[]): Promise<void> {
  if (rows.length === 0) return;
  const params: (string | number | null)[] = [];
  const tuples = rows.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
  await wh.run(`${insert} VALUES ${tuples.join(', ')}`, params);
}

/** Closes a run record with its outcome. */
export async function recordRunEnd(
  wh: Warehouse,
  exportId: string,
  end: { status: ExportRunStatus; finishedAt: Date; files: number; rows: number; version?: number; error?: string },
): Promise<void> {
  await wh.run('UPDATE meta.export_runs SET status = $2, finished_at = $3, files = $4, rows_total = $5, version = $6, error_message = $7 WHERE export_id = $1', [
    exportId,
    end.status,
    end.finishedAt.toISOString(),
    end.files,
    end.rows,
    end.version ?? null,
    end.error ?? null,
  ]);
}

/** When the job last finished without a delivery failure (delivered, or nothing new): for `--if-due`. */
export async function lastSuccessfulRun(wh: Warehouse, job: ExportJobName): Promise<Date | undefined> {
  const value = await wh.scalar<string | null>(
    "SELECT strftime(max(started_at), '%Y-%m-%dT%H:%M:%S.%gZ') FROM meta.export_runs WHERE job = $1 AND status IN ('delivered', 'empty')",
    [job],
  );
  return value ? new Date(value) : undefined;
}
