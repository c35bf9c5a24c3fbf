import { messageOf, RevrecError } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { redact } from '../reporter/redaction.js';
import { faultPoint } from '../testing/fault-points.js';
import type { RemoteStore } from '../transport/remote-store.js';
import { createRemoteStore } from '../transport/store-factory.js';
import type { StoreConfig } from '../transport/store-factory.js';
import type { ExportDestination } from './export-config.js';
import type { WrittenFile } from './export-file-writer.js';

export type DeliveryStatus = 'delivered' | 'failed' | 'not_attempted';

/** The outcome of one file at one destination. */
export interface FileDelivery {
  readonly destination: string;
  /** The store's printable location (`s3://bucket/prefix/`, `sftp://user@host:22/dir`, `file:///dir`); no secret. */
  readonly store: string;
  readonly file: string;
  readonly status: DeliveryStatus;
  readonly error?: string;
  readonly deliveredAt?: Date;
}

/**
 * A delivery that failed after the transport's retries. Names the destination, its location and the file, and says
 * how to retry; the cause is the redacted transport error.
 */
export class ExportDeliveryError extends RevrecError {
  override readonly name = 'ExportDeliveryError';
  constructor(
    readonly failures: readonly FileDelivery[],
    retryCommand: string,
    cause?: unknown,
  ) {
    const first = failures[0]!;
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more: ${failures.slice(1, 4).map((f) => `${f.destination}/${f.file}`).join(', ')})` : '';
    super(`export delivery to destination "${first.destination}" (${first.store}) failed for ${first.file}: ${first.error ?? 'unknown error'}${more}`, {
      location: { file: first.file },
      hint: `fix the destination, then run ${retryCommand}`,
      ...(cause !== undefined ? { cause } : {}),
    });
  }
}

/**
 * Delivers an export run's files to every destination through `RemoteStore.upload` (atomic, retried by the
 * transport) while the run is still writing: a data file is queued as soon as it is written and hashed, and each
 * destination uploads its queue in order, so uploads overlap DuckDB writing the next file. The manifest is queued
 * last, after every data file, so a reader who sees it finds every file it lists. Destinations are independent: one
 * that fails does not stop the others; within a destination the first failure stops its remaining files, which are
 * reported as not attempted.
 */
export class DeliveryQueue {
  readonly #lanes: { destination: ExportDestination; store: RemoteStore; chain: Promise<void>; failed: boolean; sent: number; files: number }[];
  readonly #deliveries: FileDelivery[] = [];
  readonly #dataFiles: Promise<WrittenFile>[] = [];
  readonly #options: { readonly reporter: Reporter; readonly clock: () => Date };
  #firstError: unknown;

  constructor(destinations: readonly ExportDestination[], options: { readonly reporter: Reporter; readonly clock: () => Date }) {
    this.#options = options;
    this.#lanes = destinations.map((destination) => ({
      destination,
      store: createRemoteStore(withRetryLogging(destination, options.reporter)),
      chain: Promise.resolve(),
      failed: false,
      sent: 0,
      files: 0,
    }));
  }

  /** Queues a type's data files (each sent once written and hashed); {@link dataFiles} returns them all. */
  enqueueData(files: readonly Promise<WrittenFile>[]): void {
    for (const file of files) this.enqueue(file);
    this.#dataFiles.push(...files);
  }

  /** Every data file queued so far, once written (rejects with the first that failed to write). */
  dataFiles(): Promise<WrittenFile[]> {
    return Promise.all(this.#dataFiles);
  }

  /** Queues a file (once it is written and hashed) for every destination. */
  enqueue(file: Promise<WrittenFile>): void {
    for (const lane of this.#lanes) {
      lane.files++;
      lane.chain = lane.chain.then(async () => {
        let written: WrittenFile;
        try {
          written = await file;
        } catch {
          return; // the run fails on this file itself; nothing to deliver
        }
        if (lane.failed) {
          this.#deliveries.push({ destination: lane.destination.name, store: lane.store.name, file: written.name, status: 'not_attempted' });
          return;
        }
        try {
          await lane.store.upload(written.path, written.name);
          faultPoint('export.uploaded');
          lane.sent++;
          this.#deliveries.push({ destination: lane.destination.name, store: lane.store.name, file: written.name, status: 'delivered', deliveredAt: this.#options.clock() });
        } catch (error) {
          lane.failed = true;
          this.#firstError ??= error;
          this.#deliveries.push({ destination: lane.destination.name, store: lane.store.name, file: written.name, status: 'failed', error: redact(messageOf(error)) });
        }
      });
    }
  }

  /** Queues the manifest last, waits for every destination, closes the stores and returns what happened. */
  async finish(manifest: WrittenFile): Promise<{ deliveries: FileDelivery[]; firstError?: unknown }> {
    this.enqueue(Promise.resolve(manifest));
    await this.settle();
    faultPoint('export.delivered');
    for (const lane of this.#lanes) {
      this.#options.reporter.log(lane.failed ? 'error' : 'info', `export → ${lane.destination.name} (${lane.store.name}): ${lane.sent} of ${lane.files} file(s) delivered`, {
        destination: lane.destination.name,
        delivered: lane.sent,
        files: lane.files,
      });
    }
    return { deliveries: [...this.#deliveries], ...(this.#firstError !== undefined ? { firstError: this.#firstError } : {}) };
  }

  /** Waits for the queued uploads and closes the stores (also when the run failed before its manifest). */
  async settle(): Promise<void> {
    await Promise.all(this.#lanes.map((l) => l.chain));
    await Promise.all(this.#lanes.map((l) => l.store.close().catch(() => undefined)));
  }
}

function withRetryLogging(destination: ExportDestination, reporter: Reporter): StoreConfig {
  return {
    ...destination.store,
    retry: {
      onRetry: (event) =>
        reporter.log('warn', `export → ${destination.name}: ${event.action} of ${event.key ?? ''} failed (attempt ${event.attempt}), retrying in ${event.delayMs} ms: ${event.reason}`, {
          destination: destination.name,
        }),
    },
  } as StoreConfig;
}
