import { stateDatabase } from '../warehouse/kysely/state-database.js';
import { addStateTableDdl } from '../warehouse/state-tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/**
 * The load manifest (one row per file met by an extract: version, source, key, checksum, rows, status, error) and
 * the extract run log (for `--if-due`). A file is landed and its manifest row written in one transaction, so a
 * crash never leaves a file half-loaded or loaded twice.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.load_manifest (
    version BIGINT PRIMARY KEY,
    source VARCHAR NOT NULL,
    file_key VARCHAR NOT NULL,
    size BIGINT,
    etag VARCHAR,
    mtime VARCHAR,
    sha256 VARCHAR,
    status VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    rows_by_type JSON,
    rows_total BIGINT,
    rejected_rows BIGINT,
    error_code VARCHAR,
    error_message VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    invocation_id VARCHAR
  )`,
  // Added after the first release: warehouses created before it get the column here.
  `ALTER TABLE meta.load_manifest ADD COLUMN IF NOT EXISTS ignored JSON`,
  `COMMENT ON TABLE meta.load_manifest IS 'One row per file an extract met: loaded (its rows carry this version), failed (unreadable, or refused; retried when delivered again) or duplicate (same content as the latest load of that file: nothing landed).'`,
  `COMMENT ON COLUMN meta.load_manifest.ignored IS 'XLSX tabs and ZIP entries of a loaded file that were skipped, with the reason (JSON list of {name, reason}).'`,
  `CREATE TABLE IF NOT EXISTS meta.extract_runs (
    invocation_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    files_seen INTEGER,
    files_loaded INTEGER,
    files_failed INTEGER,
    error_message VARCHAR,
    PRIMARY KEY (invocation_id, source)
  )`,
  `COMMENT ON TABLE meta.extract_runs IS 'One row per source per extract run (status running, success or error), used to decide when a scheduled source is due.'`,
);

/** Outcome of one file, as recorded. */
export type ManifestStatus = 'loaded' | 'failed' | 'duplicate';

/**
 * Failure codes that are not a property of the file's content (the landing transaction failed, the run was
 * interrupted): such a file is tried again on the next run even when it did not change.
 */
export const TRANSIENT_FAILURE_CODES: ReadonlySet<string> = new Set(['LOAD_ERROR']);

export interface ManifestRow {
  version: string;
  source: string;
  file_key: string;
  size: string | null;
  etag: string | null;
  mtime: string | null;
  sha256: string | null;
  status: ManifestStatus;
  mode: string;
  rows_by_type: string | null;
  rows_total: string | null;
  rejected_rows: string | null;
  error_code: string | null;
  error_message: string | null;
  loaded_at: string;
  invocation_id: string | null;
  ignored: string | null;
}

export interface ExtractRunRow {
  invocation_id: string;
  source: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'success' | 'error';
  files_seen: number | null;
  files_loaded: number | null;
  files_failed: number | null;
  error_message: string | null;
}

export interface ExtractDatabase {
  'meta.load_manifest': ManifestRow;
  'meta.extract_runs': ExtractRunRow;
}

/** What the manifest knows about one file key of a source. */
export interface FileHistory {
  /** The most recent row, whatever its status. */
  readonly latest: ManifestRow;
  /** The most recent `loaded` row: the content now in the raw tables. */
  readonly latestLoaded: ManifestRow | undefined;
}

/** Per file key of `source`, its latest manifest row and its latest loaded one. */
export async function fileHistories(wh: Warehouse, source: string): Promise<Map<string, FileHistory>> {
  const rows = await stateDatabase<ExtractDatabase>(wh).selectFrom('meta.load_manifest').selectAll().where('source', '=', source).orderBy('version', 'asc').execute();
  const map = new Map<string, FileHistory>();
  for (const row of rows) {
    const latestLoaded = row.status === 'loaded' ? row : map.get(row.file_key)?.latestLoaded;
    map.set(row.file_key, { latest: row, latestLoaded });
  }
  return map;
}

/** A manifest row about to be written; its version comes from {@link LoadVersions}. */
export type NewManifestRow = Pick<ManifestRow, 'source' | 'file_key' | 'size' | 'etag' | 'mtime' | 'sha256' | 'status' | 'mode' | 'loaded_at' | 'invocation_id'> &
  Partial<Pick<ManifestRow, 'rows_by_type' | 'rows_total' | 'rejected_rows' | 'error_code' | 'error_message' | 'ignored'>>;

/**
 * Load versions for one source's run, handed out in the order files are met: one more than any version the manifest
 * held when the run started (one writer per warehouse, so no other process takes the same numbers). Taken before a
 * file's work starts, so two files landing at once in their own transactions never share a number and versions
 * still ascend in key order whichever commits first. A file whose download fails leaves its number unused.
 */
export class LoadVersions {
  private constructor(private next: bigint) {}

  static async start(wh: Warehouse): Promise<LoadVersions> {
    return new LoadVersions(BigInt((await wh.scalar<string>('SELECT coalesce(max(version), 0) + 1 FROM meta.load_manifest')) ?? '1'));
  }

  take(): bigint {
    return this.next++;
  }
}

/** Writes one manifest row under `version` (inside the caller's transaction). */
export async function insertManifestRow(wh: Warehouse, row: NewManifestRow, version: bigint): Promise<void> {
  await stateDatabase<ExtractDatabase>(wh)
    .insertInto('meta.load_manifest')
    .values({ rows_by_type: null, rows_total: null, rejected_rows: null, error_code: null, error_message: null, ignored: null, ...row, version: String(version) })
    .execute();
}

/** A manifest row with no landed data (duplicate, failed), in a transaction of its own. */
export async function recordManifestRow(wh: Warehouse, row: NewManifestRow, version: bigint): Promise<void> {
  await wh.transaction(() => insertManifestRow(wh, row, version));
}
