import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferError, messageOf } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import type { RemoteFile } from '../transport/remote-store.js';
import { createRemoteStore } from '../transport/store-factory.js';
import { stateDatabase } from '../warehouse/kysely/state-database.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExtractSource } from './extract-config.js';
import { prepareFile } from './formats/index.js';
import { landPreparedFile } from './landing/index.js';
import type { ExtractDatabase, ManifestRow } from './load-manifest.js';

export interface FileOutcome {
  readonly key: string;
  readonly status: 'loaded' | 'failed' | 'duplicate' | 'unchanged' | 'still_failed' | 'transfer_error';
  readonly version?: string;
  readonly rows?: number;
  readonly rejectedRows?: number;
  readonly code?: string;
  readonly message?: string;
}

export interface SourceOutcome {
  readonly source: string;
  readonly files: readonly FileOutcome[];
  /** Listing failed after its retries: nothing was attempted. */
  readonly error?: string;
}

export interface ExtractOptions {
  readonly invocationId: string;
  readonly clock: () => Date;
  readonly reporter: Reporter;
  /** Override the source's mode (`revrec extract --full-reload`). */
  readonly mode?: 'incremental' | 'full_reload';
  readonly tempDir?: string;
}

/**
 * Extracts one source: lists its files, decides per file what to do (incremental: skip what was landed unchanged,
 * land what is new or changed; a re-delivered identical file is a recorded no-op; full reload: land everything,
 * replacing each file's earlier rows), downloads, prepares (CSV/XLSX/ZIP) and lands each file together with its
 * manifest row in one transaction. One bad file never blocks the others; a transfer that fails after its retries is
 * reported and the file is tried again on the next run.
 */
export async function extractSource(wh: Warehouse, source: ExtractSource, options: ExtractOptions): Promise<SourceOutcome> {
  const mode = options.mode ?? source.mode;
  const db = stateDatabase<ExtractDatabase>(wh);
  const startedAt = options.clock();
  await db
    .insertInto('meta.extract_runs')
    .values({ invocation_id: options.invocationId, source: source.name, started_at: startedAt.toISOString(), finished_at: null, status: 'running', files_seen: null, files_loaded: null, files_failed: null, error_message: null })
    .execute();
  const store = createRemoteStore(source.store);
  const temp = await mkdtemp(join(options.tempDir ?? tmpdir(), 'revrec-extract-'));
  const outcomes: FileOutcome[] = [];
  let listingError: string | undefined;
  try {
    const files: RemoteFile[] = [];
    try {
      for await (const file of store.list()) files.push(file);
    } catch (error) {
      listingError = messageOf(error);
      throw error;
    }
    files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const history = await latestManifestRows(wh, source.name);
    let done = 0;
    for (const file of files) {
      options.reporter.progress({ label: `extract ${source.name}`, done, total: files.length, unit: 'files' });
      outcomes.push(await extractFile(wh, source, store, file, history.get(file.key), mode, temp, options));
      done++;
    }
    options.reporter.progress({ label: `extract ${source.name}`, done, total: files.length, unit: 'files' });
    return { source: source.name, files: outcomes };
  } catch (error) {
    if (listingError !== undefined) return { source: source.name, files: outcomes, error: listingError };
    throw error;
  } finally {
    await store.close().catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'transfer_error').length;
    await db
      .updateTable('meta.extract_runs')
      .set({
        finished_at: options.clock().toISOString(),
        status: listingError ? 'error' : outcomes.some((o) => o.status === 'transfer_error') ? 'error' : 'success',
        files_seen: outcomes.length,
        files_loaded: outcomes.filter((o) => o.status === 'loaded').length,
        files_failed: failed,
        error_message: listingError ?? null,
      })
      .where('invocation_id', '=', options.invocationId)
      .where('source', '=', source.name)
      .execute();
  }
}

async function extractFile(
  wh: Warehouse,
  source: ExtractSource,
  store: ReturnType<typeof createRemoteStore>,
  file: RemoteFile,
  previous: { latest: ManifestRow; latestLoaded: ManifestRow | undefined } | undefined,
  mode: 'incremental' | 'full_reload',
  temp: string,
  options: ExtractOptions,
): Promise<FileOutcome> {
  const identity = { size: String(file.size), etag: file.etag ?? null, mtime: file.mtime ?? null };
  if (mode === 'incremental' && previous && sameIdentity(previous.latest, identity)) {
    return previous.latest.status === 'failed'
      ? { key: file.key, status: 'still_failed', code: previous.latest.error_code ?? undefined, message: 'unchanged since it failed to load; deliver a corrected file' } as FileOutcome
      : { key: file.key, status: 'unchanged' };
  }
  const localPath = join(temp, `${Date.now()}-${Math.random().toString(36).slice(2)}`, file.key.split('/').pop()!);
  let sha256: string;
  try {
    const downloaded = await store.download(file, localPath);
    sha256 = downloaded.sha256;
  } catch (error) {
    const message = messageOf(error);
    options.reporter.log('error', `${source.name}: ${file.key} could not be downloaded: ${message}`, { source: source.name, file: file.key });
    if (!(error instanceof TransferError)) throw error;
    return { key: file.key, status: 'transfer_error', message };
  }
  const base = {
    source: source.name,
    file_key: file.key,
    size: identity.size,
    etag: identity.etag,
    mtime: identity.mtime,
    sha256,
    mode,
    invocation_id: options.invocationId,
  };
  if (mode === 'incremental' && previous?.latestLoaded?.sha256 === sha256) {
    const version = await recordManifest(wh, { ...base, status: 'duplicate', loaded_at: options.clock().toISOString() });
    return { key: file.key, status: 'duplicate', version };
  }
  const prepared = await prepareFile(localPath, file.key, { patterns: source.patterns, tempDir: temp });
  if (!prepared.ok) {
    const version = await recordManifest(wh, { ...base, status: 'failed', error_code: prepared.code, error_message: prepared.message, loaded_at: options.clock().toISOString() });
    options.reporter.log('warn', `${source.name}: ${file.key} was not loaded (${prepared.code}): ${prepared.message}`, { source: source.name, file: file.key, code: prepared.code });
    return { key: file.key, status: 'failed', version, code: prepared.code, message: prepared.message };
  }
  try {
    return await wh.transaction(async () => {
      const version = await nextVersion(wh);
      const landed = await landPreparedFile(wh.connection, prepared, { version: BigInt(version), source: source.name, fileKey: file.key, loadedAt: options.clock() }, { replaceFileRows: mode === 'full_reload' });
      const rows = Object.values(landed.rowsByType).reduce((a, b) => a + (b ?? 0), 0);
      await insertManifest(wh, {
        ...base,
        version,
        status: 'loaded',
        rows_by_type: JSON.stringify(landed.rowsByType),
        rows_total: String(rows),
        rejected_rows: String(landed.rejectedRows),
        loaded_at: options.clock().toISOString(),
      });
      options.reporter.log('info', `${source.name}: loaded ${file.key} as version ${version} (${rows} rows${landed.rejectedRows ? `, ${landed.rejectedRows} unreadable rows staged` : ''})`, { source: source.name, file: file.key, version, rows });
      return { key: file.key, status: 'loaded' as const, version, rows, rejectedRows: landed.rejectedRows };
    });
  } catch (error) {
    const message = messageOf(error);
    const version = await recordManifest(wh, { ...base, status: 'failed', error_code: 'LOAD_ERROR', error_message: message, loaded_at: options.clock().toISOString() });
    options.reporter.log('warn', `${source.name}: ${file.key} was not loaded: ${message}`, { source: source.name, file: file.key });
    return { key: file.key, status: 'failed', version, code: 'LOAD_ERROR', message };
  } finally {
    await prepared.dispose();
  }
}

function sameIdentity(row: ManifestRow, identity: { size: string; etag: string | null; mtime: string | null }): boolean {
  if (row.size !== identity.size) return false;
  if (row.etag && identity.etag) return row.etag === identity.etag;
  return row.mtime !== null && row.mtime === identity.mtime;
}

async function latestManifestRows(wh: Warehouse, source: string): Promise<Map<string, { latest: ManifestRow; latestLoaded: ManifestRow | undefined }>> {
  const rows = await stateDatabase<ExtractDatabase>(wh).selectFrom('meta.load_manifest').selectAll().where('source', '=', source).orderBy('version', 'asc').execute();
  const map = new Map<string, { latest: ManifestRow; latestLoaded: ManifestRow | undefined }>();
  for (const row of rows) {
    const entry = map.get(row.file_key);
    const latestLoaded = row.status === 'loaded' ? row : entry?.latestLoaded;
    map.set(row.file_key, { latest: row, latestLoaded });
  }
  return map;
}

async function nextVersion(wh: Warehouse): Promise<string> {
  return String((await wh.scalar<string>('SELECT coalesce(max(version), 0) + 1 FROM meta.load_manifest')) ?? '1');
}

type NewManifest = Omit<ManifestRow, 'version' | 'rows_by_type' | 'rows_total' | 'rejected_rows' | 'error_code' | 'error_message'> &
  Partial<Pick<ManifestRow, 'rows_by_type' | 'rows_total' | 'rejected_rows' | 'error_code' | 'error_message'>>;

async function insertManifest(wh: Warehouse, row: NewManifest & { version: string }): Promise<void> {
  await stateDatabase<ExtractDatabase>(wh)
    .insertInto('meta.load_manifest')
    .values({ rows_by_type: null, rows_total: null, rejected_rows: null, error_code: null, error_message: null, ...row })
    .execute();
}

/** A manifest row with no landed data (duplicate, failed), in its own transaction. */
async function recordManifest(wh: Warehouse, row: NewManifest): Promise<string> {
  return wh.transaction(async () => {
    const version = await nextVersion(wh);
    await insertManifest(wh, { ...row, version });
    return version;
  });
}
