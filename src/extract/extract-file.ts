import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferError, messageOf } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { unsafeKeyReason } from '../transport/key-path.js';
import type { DownloadResult, RemoteFile, RemoteStore } from '../transport/remote-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { faultPoint } from '../testing/fault-points.js';
import type { ExtractSource } from './extract-config.js';
import type { LoadOrder } from './load-order.js';
import type { Slots } from './slots.js';
import { prepareFile } from './formats/index.js';
import type { PreparedFile } from './formats/index.js';
import { landPreparedFile } from './landing/index.js';
import { TRANSIENT_FAILURE_CODES, insertManifestRow, recordManifestRow } from './load-manifest.js';
import type { FileHistory, ManifestRow, NewManifestRow } from './load-manifest.js';

/** What happened to one listed file. */
export interface FileOutcome {
  readonly key: string;
  /**
   * `loaded`: landed as a new version. `duplicate`: same content as its latest load, recorded, nothing landed.
   * `failed`: unreadable or refused, recorded with the reason. `unchanged`: same size/ETag/mtime as recorded, skipped.
   * `still_failed`: unchanged since it failed, skipped until a corrected file is delivered. `transfer_error`: not
   * downloaded after the retries; nothing recorded, so the next run tries again.
   */
  readonly status: 'loaded' | 'failed' | 'duplicate' | 'unchanged' | 'still_failed' | 'transfer_error';
  readonly version?: string;
  readonly rows?: number;
  readonly rejectedRows?: number;
  readonly code?: string;
  readonly message?: string;
}

/** Everything {@link extractFile} needs besides the file. */
export interface FileContext {
  readonly wh: Warehouse;
  readonly source: ExtractSource;
  readonly store: RemoteStore;
  readonly mode: 'incremental' | 'full_reload';
  /** A folder of this run for downloads and prepared parts; each file's download is removed when it is done. */
  readonly tempDir: string;
  readonly invocationId: string;
  readonly clock: () => Date;
  readonly reporter: Reporter;
  /** See {@link import('./extract-source.js').ExtractOptions.beforeCommit}. */
  readonly beforeCommit?: (event: { source: string; key: string; version: bigint }) => Promise<void> | void;
}

let downloadCounter = 0;

/** A download under way, into a folder of its own. Its `result` never rejects. */
interface Download {
  readonly folder: string;
  readonly localPath: string;
  readonly result: Promise<{ readonly ok: true; readonly downloaded: DownloadResult } | { readonly ok: false; readonly error: unknown }>;
}

/** Starts downloading `file` into a new folder of the run's temporary folder. */
function startDownload(ctx: FileContext, file: RemoteFile): Download {
  const folder = join(ctx.tempDir, `download-${++downloadCounter}`);
  const localPath = join(folder, file.key.slice(file.key.lastIndexOf('/') + 1));
  const result = mkdir(folder, { recursive: true })
    .then(() => ctx.store.download(file, localPath))
    .then(
      (downloaded) => ({ ok: true as const, downloaded }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  return { folder, localPath, result };
}

/**
 * The outcome of a file that needs no download (incremental, unchanged since its latest row), or undefined.
 * A failure that was not the file's fault (`LOAD_ERROR`) is tried again even when the file did not change.
 */
export function skippedOutcome(ctx: FileContext, file: RemoteFile, history: FileHistory | undefined): FileOutcome | undefined {
  if (ctx.mode !== 'incremental' || !history || !sameIdentity(history.latest, listedIdentity(file))) return undefined;
  const latest = history.latest;
  if (latest.status !== 'failed') return { key: file.key, status: 'unchanged' };
  if (TRANSIENT_FAILURE_CODES.has(latest.error_code ?? '')) return undefined;
  return {
    key: file.key,
    status: 'still_failed',
    ...(latest.error_code ? { code: latest.error_code } : {}),
    message: `unchanged since version ${latest.version} failed (${latest.error_code}): deliver a corrected file`,
  };
}

/** How the caller runs this file beside others. */
export interface FileWork {
  /** Its load version, taken by the caller in key order (see {@link import('./load-manifest.js').LoadVersions}). */
  readonly version: bigint;
  /** The run's lanes and turns: it lands on a lane and writes its manifest row in its version's turn. */
  readonly order: LoadOrder;
  /** One download at a time: asked for before this function's first await, so downloads go in the order called. */
  readonly downloads: Slots;
}

/**
 * One file of a source that the manifest does not let skip ({@link skippedOutcome} decides those): record an
 * identical re-delivery as a duplicate; otherwise (incremental, or a full reload replacing the file's earlier rows)
 * download it, prepare it (CSV/XLSX/ZIP) and land it together with its manifest row in ONE transaction, so a crash at
 * any point leaves either the whole file and its manifest row, or neither. Unreadable files become a `failed`
 * manifest row with the reason; transfer errors are reported and leave no trace, so the next run retries. Every row
 * it writes goes through `ctx.wh`, so files on different connections land side by side.
 */
export async function extractFile(ctx: FileContext, file: RemoteFile, history: FileHistory | undefined, work: FileWork): Promise<FileOutcome> {
  const { source, reporter } = ctx;
  const fields = { source: source.name, file: file.key };
  const { version } = work;
  const listed = listedIdentity(file);
  const base = (identity: typeof listed, sha256: string | null): Omit<NewManifestRow, 'status' | 'loaded_at'> => ({
    source: source.name,
    file_key: file.key,
    ...identity,
    sha256,
    mode: ctx.mode,
    invocation_id: ctx.invocationId,
  });

  const unsafe = unsafeKeyReason(file.key);
  if (unsafe !== undefined) {
    // S3 keys may hold `..`; such a name never becomes a local path. Recorded, so it is reported once, not every run.
    const message = `${file.key}: refused because the key ${unsafe}; rename the file in the source`;
    return await recordFailure(ctx, work, base(listed, null), file.key, 'UNSAFE_KEY', message);
  }

  const releaseDownload = await work.downloads.acquire();
  const download = startDownload(ctx, file);
  void download.result.then(releaseDownload);
  try {
    const result = await download.result;
    if (!result.ok) {
      const error = result.error;
      if (!(error instanceof TransferError)) throw error;
      // The message names the store and the key already; describe() would prefix the key once more.
      const message = `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
      reporter.log('error', `${source.name}: ${file.key} could not be downloaded: ${message}`, { ...fields, code: 'TRANSFER_ERROR' });
      return { key: file.key, status: 'transfer_error', code: 'TRANSFER_ERROR', message };
    }
    const { downloaded } = result;
    // What was actually read: the object may have been replaced between the listing and the download.
    const identity = { size: String(downloaded.bytes), etag: downloaded.etag ?? listed.etag, mtime: listed.mtime };
    const row = base(identity, downloaded.sha256);

    const loaded = history?.latestLoaded;
    if (ctx.mode === 'incremental' && loaded?.sha256 === downloaded.sha256) {
      await work.order.record(version, () => recordManifestRow(ctx.wh, { ...row, status: 'duplicate', loaded_at: ctx.clock().toISOString() }, version));
      reporter.log('info', `${source.name}: ${file.key} is identical to version ${loaded.version}: nothing landed`, { ...fields, version: String(version) });
      return { key: file.key, status: 'duplicate', version: String(version) };
    }

    let prepared: Awaited<ReturnType<typeof prepareFile>>;
    try {
      prepared = await prepareFile(download.localPath, file.key, { patterns: source.patterns, tempDir: ctx.tempDir });
    } catch (error) {
      return await recordFailure(ctx, work, row, file.key, 'LOAD_ERROR', `${file.key}: could not be read: ${messageOf(error)}`);
    }
    if (!prepared.ok) return await recordFailure(ctx, work, row, file.key, prepared.code, prepared.message);
    let outcome: FileOutcome;
    try {
      outcome = await work.order.land(version, (commitTurn) => land(ctx, prepared, file.key, row, version, commitTurn));
    } catch (error) {
      // The landing rolled back, so its version holds nothing: the failure is recorded under it.
      return await recordFailure(ctx, work, row, file.key, 'LOAD_ERROR', `${file.key}: landing failed and was rolled back: ${messageOf(error)}`);
    } finally {
      await prepared.dispose();
    }
    // Committed: from here an error (a broken log) is not the landing's, and must not be recorded as one.
    reportLanded(ctx, file.key, prepared.ignored, outcome);
    return outcome;
  } finally {
    await rm(download.folder, { recursive: true, force: true });
  }
}

function listedIdentity(file: RemoteFile): { size: string; etag: string | null; mtime: string | null } {
  return { size: String(file.size), etag: file.etag ?? null, mtime: file.mtime ?? null };
}

/** Rows of the prepared file and its manifest row, in one transaction that commits in `commitTurn`. */
async function land(
  ctx: FileContext,
  prepared: PreparedFile,
  key: string,
  row: Omit<NewManifestRow, 'status' | 'loaded_at'>,
  version: bigint,
  commitTurn: () => Promise<void>,
): Promise<FileOutcome> {
  const { source, wh } = ctx;
  const outcome = await wh.transaction(async () => {
    const loadedAt = ctx.clock();
    const landed = await landPreparedFile(wh.connection, prepared, { version, source: source.name, fileKey: key, loadedAt }, { replaceFileRows: ctx.mode === 'full_reload' });
    const rows = Object.values(landed.rowsByType).reduce((a, b) => a + (b ?? 0), 0);
    await insertManifestRow(
      wh,
      {
        ...row,
        status: 'loaded',
        rows_by_type: JSON.stringify(landed.rowsByType),
        rows_total: String(rows),
        rejected_rows: String(landed.rejectedRows),
        ignored: prepared.ignored.length > 0 ? JSON.stringify(prepared.ignored) : null,
        loaded_at: loadedAt.toISOString(),
      },
      version,
    );
    await ctx.beforeCommit?.({ source: source.name, key, version });
    faultPoint('extract.landed');
    await commitTurn();
    return { key, status: 'loaded' as const, version: String(version), rows, rejectedRows: landed.rejectedRows };
  });
  faultPoint('extract.committed');
  return outcome;
}

/** The log lines of a landed file: the tabs or entries it skipped, then what landed under which version. */
function reportLanded(ctx: FileContext, key: string, ignored: PreparedFile['ignored'], outcome: FileOutcome): void {
  const { source, reporter } = ctx;
  const fields = { source: source.name, file: key };
  for (const entry of ignored) reporter.log('warn', `${source.name}: ${key}: skipped ${entry.name}: ${entry.reason}`, fields);
  reporter.log(
    'info',
    `${source.name}: loaded ${key} as version ${outcome.version} (${outcome.rows} rows${outcome.rejectedRows ? `, ${outcome.rejectedRows} unreadable rows staged` : ''}${ctx.mode === 'full_reload' ? ', replacing its earlier rows' : ''})`,
    { ...fields, version: outcome.version, rows: outcome.rows, rejected_rows: outcome.rejectedRows },
  );
}

async function recordFailure(
  ctx: FileContext,
  work: FileWork,
  row: Omit<NewManifestRow, 'status' | 'loaded_at'>,
  key: string,
  code: string,
  message: string,
): Promise<FileOutcome> {
  const { version } = work;
  await work.order.record(version, () =>
    recordManifestRow(ctx.wh, { ...row, status: 'failed', error_code: code, error_message: message, loaded_at: ctx.clock().toISOString() }, version),
  );
  const retry = TRANSIENT_FAILURE_CODES.has(code) ? 'it is tried again on the next run' : 'it is tried again when a corrected file is delivered';
  ctx.reporter.log('warn', `${ctx.source.name}: ${key} was not loaded (${code}): ${message} (recorded as version ${version}; ${retry})`, {
    source: ctx.source.name,
    file: key,
    code,
    version: String(version),
  });
  return { key, status: 'failed', version: String(version), code, message };
}

/**
 * The listing shows the file exactly as recorded: same size, and the same ETag and modification time wherever both
 * sides have one. An S3 ETag alone is not enough: an identical re-delivery keeps its ETag but gets a new
 * modification time, and is recorded as a duplicate rather than skipped unseen.
 */
function sameIdentity(row: ManifestRow, listed: { size: string; etag: string | null; mtime: string | null }): boolean {
  if (row.size !== listed.size) return false;
  let compared = false;
  if (row.etag !== null && listed.etag !== null) {
    if (row.etag !== listed.etag) return false;
    compared = true;
  }
  if (row.mtime !== null && listed.mtime !== null) {
    if (row.mtime !== listed.mtime) return false;
    compared = true;
  }
  return compared;
}
