/**
 * The one interface the extract (import) and export (delivery) stages use to talk to a folder somewhere: an S3
 * bucket prefix, an SFTP folder or a local folder. Keys are always relative to the store's root (the S3 prefix, the
 * SFTP folder, the local folder) and use `/` separators, so the same key maps to the same local path whatever the
 * protocol (see `key-path.ts`).
 */

/** One file as listed by a store. */
export interface RemoteFile {
  /** Path relative to the store's root, `/`-separated, never starting with `/` and never holding `..`. */
  readonly key: string;
  /** Size in bytes as reported by the listing. */
  readonly size: number;
  /** S3 ETag (quotes stripped); absent for SFTP and local files. */
  readonly etag?: string;
  /** Last modification time, ISO 8601 UTC. */
  readonly mtime?: string;
}

/** What a download produced on the local disk. */
export interface DownloadResult {
  /** Bytes written to the local file. */
  readonly bytes: number;
  /** Lower-case hex SHA-256 of the bytes written, computed while streaming. */
  readonly sha256: string;
  /** The S3 ETag of the object actually read (it may differ from the listing's if the object changed since). */
  readonly etag?: string;
}

/**
 * A source or destination of files. Implementations retry transient faults themselves and throw
 * {@link import('../errors.js').TransferError} when they give up; messages never contain a secret.
 *
 * Open one, use it, and `close()` it in `finally` (SFTP keeps a session open between calls).
 */
export interface RemoteStore {
  /** Where this store points, for messages and logs: `s3://bucket/prefix/`, `sftp://user@host:port/~/dir` (relative to the login folder) or `…:port/abs/dir`, `file:///dir`. Never holds a secret. */
  readonly name: string;
  /**
   * Every file under the root (recursively) whose key starts with `prefix` (relative to the root: `sub/` lists a
   * sub-folder, `orders-` the keys starting with it) and matches the store's `include` globs, in no particular
   * order. Folders are not listed; symbolic links on SFTP and local folders are skipped. Keys that are not safe
   * (`..` segments, absolute) are listed, and refused by `download` and `localPathForKey`.
   */
  list(prefix?: string): AsyncIterable<RemoteFile>;
  /**
   * Streams one file to `localPath` (parent folders are created), computing its SHA-256 on the way; the bytes go to
   * a temporary sibling first and are renamed onto `localPath` only when complete and the size matches, so a reader
   * never sees a partial local file. Retried as a whole on transient faults.
   */
  download(file: RemoteFile | string, localPath: string): Promise<DownloadResult>;
  /**
   * Uploads `localPath` to `key`, replacing any file there, so that no reader ever sees a partial file: S3 completes
   * one PutObject (the key does not exist, or keeps its old content, until the upload is complete); SFTP and local
   * write a temporary name in the same folder and rename it atomically onto the key. `localPath` must not be written
   * again afterwards: a local folder on the same file system receives it as a hard link.
   */
  upload(localPath: string, key: string): Promise<void>;
  /** Releases connections. Safe to call more than once; the store can not be used afterwards. */
  close(): Promise<void>;
}

/** Retry settings every store accepts (see `retry.ts`). */
export interface RetryOptions {
  /** Total tries including the first (default 4). */
  readonly attempts?: number;
  /** First back-off delay in ms; doubles each retry, with full jitter (default 250). */
  readonly baseDelayMs?: number;
  /** Cap of one back-off delay in ms (default 5000). */
  readonly maxDelayMs?: number;
  /** Called before each retry, e.g. to log it through the reporter. The error message is already redacted. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** One retry about to happen. */
export interface RetryEvent {
  readonly store: string;
  readonly action: TransferAction;
  readonly key: string | undefined;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  /** Redacted message of the transient fault. */
  readonly reason: string;
}

/** What a store was doing when something failed; used in messages. */
export type TransferAction = 'connect' | 'list' | 'download' | 'upload';

/** Opens a store, runs `use`, and closes it whatever happens. */
export async function withRemoteStore<T>(store: RemoteStore, use: (store: RemoteStore) => Promise<T>): Promise<T> {
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Collects a listing into an array sorted by key (listings come in no guaranteed order). */
export async function listAll(store: RemoteStore, prefix?: string): Promise<RemoteFile[]> {
  const files: RemoteFile[] = [];
  for await (const file of store.list(prefix)) files.push(file);
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
