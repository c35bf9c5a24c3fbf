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
import { extractFile, skippedOutcome } from './extract-file.js';
import type { FileContext, FileOutcome } from './extract-file.js';
import type { FileHistory } from './load-manifest.js';
import { LoadVersions, fileHistories } from './load-manifest.js';
import type { ExtractDatabase } from './load-manifest.js';
import { LoadOrder } from './load-order.js';
import { Slots } from './slots.js';

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
 * Extracts one source: lists its files, then per file decides, downloads, prepares and lands it
 * (see {@link extractFile}). Two workers take the files in key order (the largest first, see {@link takingOrder}),
 * each on its own connection: downloads run one at a time, so the next file comes in while the current one lands;
 * and with two or more DuckDB threads two files land at once, each in its own transaction (DuckDB reads a CSV on one
 * thread when it numbers its rows, so a second landing uses the other core), committing in version order. One bad
 * file never blocks the others. The run is logged in `meta.extract_runs`: `success` when every file was read or
 * recorded, `error` when the source or a file could not be transferred (so `--if-due` tries it again at the next
 * tick).
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
  // By key order; a slot stays empty only when the run stopped on an error first.
  const outcomes: FileOutcome[] = [];
  let sourceError: string | undefined;
  let thrown = false;
  let store: RemoteStore | undefined;
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
    await extractFiles(context, files, histories, outcomes);
    return { source: source.name, files: outcomes };
  } catch (error) {
    sourceError = messageOf(error);
    thrown = true;
    throw error;
  } finally {
    await store?.close().catch(() => undefined);
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    const met = outcomes.filter((o) => o !== undefined);
    const transferErrors = met.filter((o) => o.status === 'transfer_error');
    const finish = db
      .updateTable('meta.extract_runs')
      .set({
        finished_at: options.clock().toISOString(),
        status: sourceError !== undefined || transferErrors.length > 0 ? 'error' : 'success',
        files_seen: met.length,
        files_loaded: met.filter((o) => o.status === 'loaded').length,
        files_failed: met.filter((o) => o.status === 'failed' || o.status === 'transfer_error').length,
        error_message: sourceError ?? (transferErrors.length > 0 ? `${transferErrors.length} file(s) not downloaded: ${transferErrors.map((o) => o.key).join(', ')}` : null),
      })
      .where('invocation_id', '=', options.invocationId)
      .where('source', '=', source.name)
      .execute();
    // Never let a failed bookkeeping update hide the error that got us here.
    await (thrown ? finish.catch(() => undefined) : finish);
  }
}

/** Two workers: one overlaps its download with the other's landing (at most two downloaded files on disk). */
const WORKERS = 2;

/**
 * The files of one source through {@link WORKERS} workers, each with a connection of its own; each outcome goes to
 * its file's index of `outcomes`. Every file that will be read gets its version first, in key order; the workers
 * take the files in that order (see {@link takingOrder} for the one exception), and {@link LoadOrder} lets them land
 * side by side but commit in version order. A worker that throws (a bug, a broken warehouse) stops both from taking
 * more files; the other finishes its file (its own transaction) before the error is thrown, so nothing is left
 * running.
 */
async function extractFiles(context: FileContext, files: readonly RemoteFile[], histories: Map<string, FileHistory>, outcomes: FileOutcome[]): Promise<void> {
  const { reporter } = context;
  const loadVersions = await LoadVersions.start(context.wh);
  // A file the manifest lets skip (unchanged, still failed) writes nothing and takes no version.
  const skipped = files.map((file) => skippedOutcome(context, file, histories.get(file.key)));
  const versions = skipped.map((outcome) => (outcome ? undefined : loadVersions.take()));
  const toRead = versions.filter((v) => v !== undefined);
  const threads = Number(await context.wh.scalar<string>("SELECT current_setting('threads')"));
  // Workers for the files to read (the skipped ones cost nothing): a day's one new file among unchanged ones lands
  // alone, with no second connection and DuckDB's threads as configured.
  const workers = Math.max(1, Math.min(WORKERS, toRead.length));
  const lanes = threads >= 2 ? WORKERS : 1;
  const order = new LoadOrder(toRead, lanes, workers);
  const taking = takingOrder(files, versions, order.lanePerWorker);
  const downloads = new Slots(1);
  let next = 0;
  let done = 0;
  let stopped = false;
  reporter.progress({ label: `extract ${context.source.name}`, done, total: files.length, unit: 'files' });
  const worker = async (ctx: FileContext): Promise<void> => {
    while (!stopped && next < taking.length) {
      const i = taking[next++]!;
      const version = versions[i];
      try {
        // Called with no await since taking the file, so its download is asked for in the order taken.
        outcomes[i] = version === undefined ? skipped[i]! : await extractFile(ctx, files[i]!, histories.get(files[i]!.key), { version, order, downloads });
      } catch (error) {
        stopped = true;
        // No one takes the rest now: their turns pass, so the file beside (the largest, taken first, may be waiting
        // to commit after versions below it) finishes instead of waiting forever.
        for (const j of taking.slice(next)) {
          const untaken = versions[j];
          if (untaken !== undefined) order.settle(untaken);
        }
        throw error;
      } finally {
        if (version !== undefined) order.settle(version);
      }
      reporter.progress({ label: `extract ${context.source.name}`, done: ++done, total: files.length, unit: 'files' });
    }
  };
  const sessions: Warehouse[] = [];
  // Each landing reads its CSV on one thread (row numbers in file order). With DuckDB's own worker threads, a query
  // whose only task a worker thread took has its calling thread busy-wait for the result, so two landings at once
  // kept three threads busy on two cores (measured: two 3M-line files 7.3–7.5 s and 13.5–14.4 s of CPU, against
  // 5.4–5.8 s and 9.1–9.4 s when each landing runs on its own calling thread). So the landings run with no DuckDB
  // worker threads, each on the thread that called it, and the setting is restored afterwards.
  const ownThreads = lanes >= 2 && workers >= 2;
  let thrown = false;
  try {
    if (ownThreads) await context.wh.run('SET threads = 1');
    for (let w = 1; w < workers; w++) sessions.push(await context.wh.session());
    const settled = await Promise.allSettled([worker(context), ...sessions.map((wh) => worker({ ...context, wh }))]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    thrown = true;
    throw error;
  } finally {
    for (const session of sessions) session.close();
    if (ownThreads) {
      const restore = context.wh.run(`SET threads = ${threads}`);
      // Never let a failed restore hide the error that got us here.
      await (thrown ? restore.catch(() => undefined) : restore);
    }
  }
}

/**
 * The order the workers take the files in: key order, except that when each worker has a lane of its own the largest
 * file to read goes first. The files land two at a time, so the run lasts at least as long as its largest landing;
 * started first, that landing overlaps the small files and the next large one instead of running last and alone (the
 * 3M-line e2e inbox: the 426 MB invoices file began landing after 1.9 s behind the commissions and the small files).
 * Only that one file goes out of order: the other worker takes the versions below it in order, so its commit turn
 * always comes (see {@link LoadOrder}).
 */
export function takingOrder(files: readonly RemoteFile[], versions: readonly (bigint | undefined)[], ownLanes: boolean): number[] {
  const keyOrder = files.map((_, i) => i);
  if (!ownLanes) return keyOrder;
  let largest: number | undefined;
  for (const i of keyOrder) if (versions[i] !== undefined && (largest === undefined || files[i]!.size > files[largest]!.size)) largest = i;
  return largest === undefined ? keyOrder : [largest, ...keyOrder.filter((i) => i !== largest)];
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
