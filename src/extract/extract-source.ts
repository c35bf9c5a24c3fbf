import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RevrecError, messageOf } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { listAll } from '../transport/remote-store.js';
import type { RemoteFile, RemoteStore, RetryEvent } from '../transport/remote-store.js';
import { createRemoteStore } from '../transport/store-factory.js';
import type { StoreConfig } from '../transport/store-factory.js';
import { stateDatabase } from '../warehouse/kysely/state-database.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExtractSource } from './extract-config.js';
import { extractFile, needsDownload, startDownload } from './extract-file.js';
import type { Download, FileContext, FileOutcome } from './extract-file.js';
import { fileHistories } from './load-manifest.js';
import type { ExtractDatabase } from './load-manifest.js';

export type { FileOutcome } from './extract-file.js';

export interface SourceOutcome {
  readonly source: string;
  readonly files: readonly FileOutcome[];
  /** The source could not be read (listing refused after its retries, bad settings): nothing more was attempted. */
  readonly error?: string;
}

export interface ExtractOptions {
  readonly invocationId: string;
  readonly clock: () => Date;
  readonly reporter: Reporter;
  /** Override the source's mode (`revrec extract --full-reload`). */
  readonly mode?: 'incremental' | 'full_reload';
  /** Where downloads and prepared parts go (default the OS temp folder); removed at the end. */
  readonly tempDir?: string;
  /**
   * Called inside each landing transaction after the rows and the manifest row are written, just before COMMIT.
   * For fault-injection tests (a crash or an error there must leave nothing behind) and nothing else.
   */
  readonly beforeCommit?: FileContext['beforeCommit'];
}

/**
 * Extracts one source: lists its files, then per file (in key order) decides, downloads, prepares and lands it
 * (see {@link extractFile}), downloading the next file while the current one lands. One bad file never blocks the
 * others. The run is logged in `meta.extract_runs`:
 * `success` when every file was read or recorded, `error` when the source or a file could not be transferred (so
 * `--if-due` tries it again at the next tick).
 *
 * A source that cannot be read (bad settings, listing refused after retries) is returned with `error`; errors that
 * are not revrec's own (bugs, a broken warehouse) are recorded and thrown.
 */
export async function extractSource(wh: Warehouse, source: ExtractSource, options: ExtractOptions): Promise<SourceOutcome> {
  const mode = options.mode ?? source.mode;
  const db = stateDatabase<ExtractDatabase>(wh);
  await db
    .insertInto('meta.extract_runs')
    .values({ invocation_id: options.invocationId, source: source.name, started_at: options.clock().toISOString(), finished_at: null, status: 'running', files_seen: null, files_loaded: null, files_failed: null, error_message: null })
    .execute();
  const outcomes: FileOutcome[] = [];
  let sourceError: string | undefined;
  let thrown = false;
  let store: RemoteStore | undefined;
  let prefetch: Download | undefined;
  const temp = await mkdtemp(join(options.tempDir ?? tmpdir(), 'revrec-extract-'));
  try {
    let files: RemoteFile[];
    try {
      store = createRemoteStore(withRetryLog(source.store, source.name, options.reporter));
      files = await listAll(store);
    } catch (error) {
      if (!(error instanceof RevrecError)) throw error;
      sourceError = messageOf(error);
      options.reporter.log('error', `extract ${source.name}: ${sourceError}`, { source: source.name, code: error.name });
      return { source: source.name, files: [], error: sourceError };
    }
    if (source.store.kind === 'local' && files.length === 0 && !existsSync(resolve(source.store.folder))) {
      // The store treats a folder that does not exist yet as empty; a typo would otherwise go unnoticed forever.
      options.reporter.log('warn', `extract ${source.name}: the folder ${resolve(source.store.folder)} does not exist, so there is nothing to extract; check folder: of the source`, {
        source: source.name,
      });
    }
    const histories = await fileHistories(wh, source.name);
    const context: FileContext = {
      wh,
      source,
      store,
      mode,
      tempDir: temp,
      invocationId: options.invocationId,
      clock: options.clock,
      reporter: options.reporter,
      ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
    };
    // One download ahead: while a file is prepared and landed (DuckDB's work), the next one that needs downloading
    // is already coming in (network and hashing), so a delivery of several files takes about the sum of the slower
    // of the two per file rather than of both. At most two downloaded files are on disk at a time.
    const wanted = files.map((file) => needsDownload(context, file, histories.get(file.key)));
    for (const [i, file] of files.entries()) {
      options.reporter.progress({ label: `extract ${source.name}`, done: outcomes.length, total: files.length, unit: 'files' });
      const download = prefetch?.key === file.key ? prefetch : undefined;
      if (download) prefetch = undefined;
      const startNext = () => {
        const next = wanted.indexOf(true, i + 1);
        if (next >= 0 && prefetch === undefined) prefetch = startDownload(context, files[next]!);
      };
      outcomes.push(await extractFile(context, file, histories.get(file.key), { ...(download ? { download } : {}), afterDownload: startNext }));
    }
    options.reporter.progress({ label: `extract ${source.name}`, done: outcomes.length, total: files.length, unit: 'files' });
    return { source: source.name, files: outcomes };
  } catch (error) {
    sourceError = messageOf(error);
    thrown = true;
    throw error;
  } finally {
    await store?.close().catch(() => undefined);
    // A download started ahead for a file the run never reached (it stopped on an error): let it settle (closing
    // the store ended it) before its folder goes.
    await prefetch?.result;
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    const transferErrors = outcomes.filter((o) => o.status === 'transfer_error');
    const finish = db
      .updateTable('meta.extract_runs')
      .set({
        finished_at: options.clock().toISOString(),
        status: sourceError !== undefined || transferErrors.length > 0 ? 'error' : 'success',
        files_seen: outcomes.length,
        files_loaded: outcomes.filter((o) => o.status === 'loaded').length,
        files_failed: outcomes.filter((o) => o.status === 'failed' || o.status === 'transfer_error').length,
        error_message: sourceError ?? (transferErrors.length > 0 ? `${transferErrors.length} file(s) not downloaded: ${transferErrors.map((o) => o.key).join(', ')}` : null),
      })
      .where('invocation_id', '=', options.invocationId)
      .where('source', '=', source.name)
      .execute();
    // Never let a failed bookkeeping update hide the error that got us here.
    await (thrown ? finish.catch(() => undefined) : finish);
  }
}

/** The store settings with every retry reported through the reporter (the reason is already redacted). */
function withRetryLog(store: StoreConfig, source: string, reporter: Reporter): StoreConfig {
  const onRetry = (event: RetryEvent) =>
    reporter.log('warn', `${source}: ${event.action}${event.key ? ` of '${event.key}'` : ''} failed (try ${event.attempt}: ${event.reason}); trying again in ${event.delayMs} ms`, {
      source,
      file: event.key,
      action: event.action,
      attempt: event.attempt,
    });
  return { ...store, retry: { ...store.retry, onRetry } } as StoreConfig;
}
