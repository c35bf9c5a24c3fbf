import { addStateTableDdl } from '../warehouse/state-tables.js';

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
  `COMMENT ON TABLE meta.load_manifest IS 'One row per file an extract met: loaded (its rows carry this version), failed (unreadable; retried when delivered again) or duplicate (same content as an earlier load: nothing landed).'`,
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
  `COMMENT ON TABLE meta.extract_runs IS 'One row per source per extract run, used to decide when a scheduled source is due.'`,
);

export interface ManifestRow {
  version: string;
  source: string;
  file_key: string;
  size: string | null;
  etag: string | null;
  mtime: string | null;
  sha256: string | null;
  status: 'loaded' | 'failed' | 'duplicate';
  mode: string;
  rows_by_type: string | null;
  rows_total: string | null;
  rejected_rows: string | null;
  error_code: string | null;
  error_message: string | null;
  loaded_at: string;
  invocation_id: string | null;
}

export interface ExtractRunRow {
  invocation_id: string;
  source: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  files_seen: number | null;
  files_loaded: number | null;
  files_failed: number | null;
  error_message: string | null;
}

export interface ExtractDatabase {
  'meta.load_manifest': ManifestRow;
  'meta.extract_runs': ExtractRunRow;
}
