import { addStateTableDdl } from '../warehouse/state-tables.js';
import type { ColumnKind, ExportType } from './export-types.js';
import { EXPORT_TYPES } from './export-types.js';

/** The SQL type each column kind has in the `exports.exp_*` models (amounts in minor units, scaled quantities). */
export function storageType(kind: ColumnKind): string {
  switch (kind) {
    case 'text':
      return 'VARCHAR';
    case 'period':
      return 'INTEGER';
    case 'date':
      return 'DATE';
    case 'bool':
      return 'BOOLEAN';
    case 'amount':
    case 'quantity':
    case 'price':
    case 'duration':
    case 'version':
      return 'BIGINT';
    case 'timestamp':
      return 'TIMESTAMP';
    default:
      throw new Error(`Unexpected column kind ${String(kind)}`);
  }
}

/** `meta.continuous_sent_<type>`: per record key, what the continuous export last delivered. */
export function continuousStateTable(type: ExportType): string {
  return `meta.continuous_sent_${type.name}`;
}

/**
 * No PRIMARY KEY on `_record_key`: DuckDB's index made the first export's insert twice as slow, its COMMIT hundreds of
 * times slower and the daily delete + insert seven times slower (measured, 1M rows). One row per key is kept by
 * `commitChanges`, which checks the payload's keys are unique and replaces them in one transaction.
 */
function continuousStateDdl(type: ExportType): string {
  const columns = type.columns.map((c) => `"${c.name}" ${storageType(c.kind)}`);
  return `CREATE TABLE IF NOT EXISTS ${continuousStateTable(type)} (
    ${columns.join(',\n    ')},
    _amount_minor_unit INTEGER,
    Version BIGINT,
    _record_key VARCHAR NOT NULL,
    _zeroed BOOLEAN NOT NULL,
    _file_version BIGINT NOT NULL,
    _export_id VARCHAR NOT NULL
  )`;
}

/**
 * Engine-owned export bookkeeping (schema `meta`): every export run, the files it wrote (rows, bytes, SHA-256, control
 * totals), where each file was delivered, and per record what the continuous export last delivered (the values sent:
 * the next run compares the records with them, and a record that disappears is sent once more at zero). The
 * continuous state changes only after every destination accepted the files, so a crash re-sends instead of losing
 * records.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.export_runs (
    export_id VARCHAR PRIMARY KEY,
    job VARCHAR NOT NULL,
    actg_period INTEGER,
    version BIGINT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    files INTEGER,
    rows_total BIGINT,
    error_message VARCHAR,
    invocation_id VARCHAR
  )`,
  `COMMENT ON TABLE meta.export_runs IS 'One row per export run: job close_period (actg_period) or continuous (version = highest Version sent); status running, delivered, failed or empty (nothing new).'`,
  `CREATE TABLE IF NOT EXISTS meta.export_files (
    export_id VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    manifest_name VARCHAR NOT NULL,
    export_type VARCHAR,
    format VARCHAR NOT NULL,
    rows_total BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,
    control_totals JSON,
    PRIMARY KEY (export_id, file_name)
  )`,
  `COMMENT ON TABLE meta.export_files IS 'Every file an export run wrote (data files and the manifest): rows, bytes, SHA-256 and control totals per amount column.'`,
  `CREATE TABLE IF NOT EXISTS meta.export_deliveries (
    export_id VARCHAR NOT NULL,
    destination VARCHAR NOT NULL,
    store VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    error_message VARCHAR,
    delivered_at TIMESTAMP,
    PRIMARY KEY (export_id, destination, file_name)
  )`,
  `COMMENT ON TABLE meta.export_deliveries IS 'Per export run, destination and file: delivered, failed (with the redacted reason) or not_attempted (an earlier file to that destination failed).'`,
  ...EXPORT_TYPES.filter((t) => t.model).flatMap((t) => [
    continuousStateDdl(t),
    `COMMENT ON TABLE ${continuousStateTable(t)} IS 'Continuous export of ${t.name}: per record key the row last delivered (amounts in minor units: compared column by column with the current record), whether it was the zero row of a vanished record, and the version of the file it went out in.'`,
    // Warehouses from before the records were compared column by column kept a content hash; nothing reads it now.
    `ALTER TABLE ${continuousStateTable(t)} DROP COLUMN IF EXISTS _content_hash`,
  ]),
);
