import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ExecutionError } from '../../errors.js';
import type { PreparedFile, PreparedPart } from '../formats/prepared-file.js';
import { RECORD_TYPES, RECORD_TYPE_NAMES, type RecordTypeName } from '../record-types.js';
import { DEFAULT_MAX_LINE_BYTES, fieldName, readCsvSql } from './csv-read-sql.js';
import { REJECTED_ROWS, rawTable } from './raw-tables.js';
import { rejectMessageSql } from './reject-messages.js';
import { quoteIdent, sqlBigint, sqlString, sqlTimestamp } from './sql-literals.js';

/** Lineage of one landing: the load it belongs to. */
export interface LandingLineage {
  /** Load version, new for every landed file (monotonic). */
  readonly version: bigint;
  /** Source name from sources/*.yml. */
  readonly source: string;
  /** File key within the source; ZIP entries land as `<fileKey>!<entry>`. */
  readonly fileKey: string;
  /** When the load commits (UTC). */
  readonly loadedAt: Date;
}

export interface LandingOptions {
  /** Full reload: first delete the rows and rejects that earlier loads of this `_source` + `_file` left. */
  readonly replaceFileRows: boolean;
  /** Longest record accepted, in bytes (DuckDB `max_line_size`); longer ones become BAD_ROW. Default 2 MiB. */
  readonly maxLineBytes?: number;
  /** `raw_text` of a rejected row keeps at most this many characters. Default 65,536. */
  readonly maxRawTextChars?: number;
}

export interface LandedPart {
  readonly type: RecordTypeName;
  /** The `_file` value of its rows. */
  readonly file: string;
  readonly entryName?: string;
  readonly rows: number;
  readonly rejectedRows: number;
}

export interface LandingResult {
  /** Rows inserted per raw table. */
  readonly rowsByType: Partial<Record<RecordTypeName, number>>;
  /** Rows written to `raw.rejected_rows`. */
  readonly rejectedRows: number;
  readonly parts: readonly LandedPart[];
}

const DEFAULT_MAX_RAW_TEXT_CHARS = 65_536;

/**
 * Lands the parts of a prepared file into `raw.<type>` and `raw.rejected_rows`, set-based in DuckDB (no per-row
 * JavaScript). Runs inside the caller's transaction and never commits: the caller owns BEGIN/COMMIT/ROLLBACK and
 * rolls back if this throws. Tables must exist ({@link ensureRawTables}).
 *
 * `_row` is the record's row number in the file (header = 1): for CSV parts the row's position among the rows
 * read, shifted past rejected records and empty lines (DuckDB counts both as records); for XLSX parts the sheet
 * row carried in field 0.
 */
export async function landPreparedFile(
  conn: DuckDBConnection,
  prepared: PreparedFile,
  lineage: LandingLineage,
  options: LandingOptions,
): Promise<LandingResult> {
  checkLineage(lineage);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxRawTextChars = options.maxRawTextChars ?? DEFAULT_MAX_RAW_TEXT_CHARS;
  const files = prepared.parts.map((part) => fileLabel(prepared, part, lineage.fileKey));
  if (options.replaceFileRows) await deleteFileRows(conn, lineage);
  await assertVersionUnused(conn, prepared, lineage, files);
  const rowsByType: Partial<Record<RecordTypeName, number>> = {};
  const parts: LandedPart[] = [];
  let rejectedRows = 0;
  for (const [i, part] of prepared.parts.entries()) {
    const landed = await landPart(conn, part, { ...lineage, file: files[i]! }, { maxLineBytes, maxRawTextChars });
    rowsByType[part.type] = (rowsByType[part.type] ?? 0) + landed.rows;
    rejectedRows += landed.rejectedRows;
    parts.push(landed);
  }
  return { rowsByType, rejectedRows, parts };
}

/** `_file` of a part: the file key, or `key!entry` for a ZIP entry (XLSX tabs share the workbook's key). */
function fileLabel(prepared: PreparedFile, part: PreparedPart, fileKey: string): string {
  return prepared.format === 'zip' && part.entryName !== undefined ? `${fileKey}!${part.entryName}` : fileKey;
}

interface PartLineage extends LandingLineage {
  readonly file: string;
}

async function landPart(
  conn: DuckDBConnection,
  part: PreparedPart,
  lineage: PartLineage,
  limits: { maxLineBytes: number; maxRawTextChars: number },
): Promise<LandedPart> {
  const id = randomUUID().replaceAll('-', '');
  const rejects = { table: `revrec_rejects_${id}`, scan: `revrec_reject_scans_${id}` };
  const rejectsTable = `temp.main.${quoteIdent(rejects.table)}`;
  try {
    const rows = await changedRows(conn, insertSql(part, lineage, rejects, limits.maxLineBytes));
    let rejectedRows = await changedRows(conn, rejectsSql(part, lineage, rejectsTable, limits));
    if (part.unclosedQuote !== undefined) {
      rejectedRows += await changedRows(conn, unclosedQuoteSql(part, part.unclosedQuote, lineage, rejectsTable, limits.maxRawTextChars));
    }
    if (part.rowNumbers.kind === 'ordinal' && (rejectedRows > 0 || part.rowNumbers.blankRecords.length > 0)) {
      await conn.run(renumberSql(part.type, lineage, rejectsTable, part.rowNumbers.blankRecords));
    }
    return {
      type: part.type,
      file: lineage.file,
      ...(part.entryName === undefined ? {} : { entryName: part.entryName }),
      rows,
      rejectedRows,
    };
  } finally {
    // Dropped even on failure; if the transaction is already aborted the DROP fails too, and ROLLBACK removes them.
    await conn.run(`DROP TABLE IF EXISTS ${rejectsTable}; DROP TABLE IF EXISTS temp.main.${quoteIdent(rejects.scan)};`).catch(() => undefined);
  }
}

/** Runs an INSERT and returns how many rows it wrote. */
async function changedRows(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  return Number(reader.getRowsJson()[0]?.[0] ?? 0);
}

function insertSql(part: PreparedPart, lineage: PartLineage, rejects: { table: string; scan: string }, maxLineBytes: number): string {
  const recordType = RECORD_TYPES[part.type];
  const byCanonical = new Map(part.headerMap.fields.flatMap((f) => (f.canonical === undefined ? [] : [[f.canonical, f.field] as const])));
  const extras = part.headerMap.fields.filter((f) => f.extraKey !== undefined);
  const values = recordType.columns.map((c) => {
    const field = byCanonical.get(c);
    return field === undefined ? 'NULL' : fieldName(field);
  });
  const extra = extras.length === 0 ? 'NULL' : `json_object(${extras.map((f) => `${sqlString(f.extraKey!)}, ${fieldName(f.field)}`).join(', ')})`;
  const row = part.rowNumbers.kind === 'ordinal' ? 'ordinality + 1' : `CAST(${fieldName(0)} AS BIGINT)`;
  const columns = [...recordType.columns, '_extra', '_version', '_source', '_file', '_row', '_loaded_at'].map(quoteIdent).join(', ');
  return (
    `INSERT INTO ${rawTable(part.type)} (${columns}) ` +
    `SELECT ${[...values, extra, sqlBigint(lineage.version), sqlString(lineage.source), sqlString(lineage.file), row, sqlTimestamp(lineage.loadedAt)].join(', ')} ` +
    `FROM ${readCsvSql(part, rejects, maxLineBytes)}`
  );
}

/** One `raw.rejected_rows` row per bad record (DuckDB may report several errors for one record). */
function rejectsSql(part: PreparedPart, lineage: PartLineage, rejectsTable: string, limits: { maxLineBytes: number; maxRawTextChars: number }): string {
  const ordinal = part.rowNumbers.kind === 'ordinal';
  // DuckDB prefixes a record with the empty lines before it; they are not part of it.
  const rawText = ordinal ? `ltrim(e.csv_line, chr(13) || chr(10))` : `regexp_replace(e.csv_line, '^[0-9]+,', '')`;
  const row = ordinal ? 'e.line' : `TRY_CAST(regexp_extract(e.csv_line, '^([0-9]+),', 1) AS BIGINT)`;
  const message = rejectMessageSql({ fieldOffset: ordinal ? 0 : 1, maxLineBytes: limits.maxLineBytes, maxRawTextChars: limits.maxRawTextChars, rawTextSql: rawText });
  return (
    `INSERT INTO ${REJECTED_ROWS} (type, _version, _source, _file, _row, code, message, raw_text) ` +
    `SELECT ${sqlString(part.type)}, ${sqlBigint(lineage.version)}, ${sqlString(lineage.source)}, ${sqlString(lineage.file)}, ` +
    `${row}, 'BAD_ROW', ${message}, left(${rawText}, ${limits.maxRawTextChars}) ` +
    `FROM ${rejectsTable} AS e QUALIFY row_number() OVER (PARTITION BY e.line ORDER BY e.byte_position, e.column_idx) = 1 ORDER BY e.line`
  );
}

/**
 * The record DuckDB drops without a word: a quote opened and never closed swallows the rest of the file. Written
 * unless DuckDB did report a record at or after it (then that reject already covers it).
 */
function unclosedQuoteSql(
  part: PreparedPart,
  unclosed: NonNullable<PreparedPart['unclosedQuote']>,
  lineage: PartLineage,
  rejectsTable: string,
  maxRawTextChars: number,
): string {
  const message =
    `unbalanced quote: the quote opened in this row (line ${unclosed.line}) is never closed, so the rest of the file ` +
    `(${unclosed.lines} line${unclosed.lines === 1 ? '' : 's'}) reads as one unfinished value and did not load; close the quote ` +
    '(a quote inside a quoted value is written "")';
  return (
    `INSERT INTO ${REJECTED_ROWS} (type, _version, _source, _file, _row, code, message, raw_text) ` +
    `SELECT ${sqlString(part.type)}, ${sqlBigint(lineage.version)}, ${sqlString(lineage.source)}, ${sqlString(lineage.file)}, ` +
    `${unclosed.row}, 'BAD_ROW', ${sqlString(message)}, left(${sqlString(unclosed.rawText)}, ${maxRawTextChars}) ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${rejectsTable} WHERE line >= ${unclosed.row})`
  );
}

/**
 * Shifts `_row` of this part's rows past the skipped records (rejected or empty). With the skipped record numbers
 * s_1 < s_2 < … and g_j = s_j - 1 - j (good rows before s_j), the good row at position k is record
 * k + 1 + max{ j : g_j < k }. One UPDATE joined on the ranges (g_j, g_j+1].
 */
function renumberSql(type: RecordTypeName, lineage: PartLineage, rejectsTable: string, blankRecords: readonly number[]): string {
  const blanks = blankRecords.length === 0 ? '' : ` UNION SELECT unnest([${blankRecords.join(',')}]::BIGINT[])`;
  return (
    `WITH skipped(rec) AS (SELECT DISTINCT line FROM ${rejectsTable}${blanks}), ` +
    `numbered AS (SELECT rec, row_number() OVER (ORDER BY rec) AS j FROM skipped), ` +
    `gaps AS (SELECT rec - 1 - j AS lo, lead(rec - 1 - j) OVER (ORDER BY rec) AS hi, j FROM numbered) ` +
    `UPDATE ${rawTable(type)} AS t SET _row = t._row + gaps.j FROM gaps ` +
    `WHERE t._version = ${sqlBigint(lineage.version)} AND t._source = ${sqlString(lineage.source)} AND t._file = ${sqlString(lineage.file)} ` +
    `AND t._row - 1 > gaps.lo AND (gaps.hi IS NULL OR t._row - 1 <= gaps.hi)`
  );
}

async function deleteFileRows(conn: DuckDBConnection, lineage: LandingLineage): Promise<void> {
  const key = sqlString(lineage.fileKey);
  const where = `_source = ${sqlString(lineage.source)} AND (_file = ${key} OR starts_with(_file, ${key} || '!'))`;
  await conn.run([...RECORD_TYPE_NAMES.map((t) => `DELETE FROM ${rawTable(t)} WHERE ${where};`), `DELETE FROM ${REJECTED_ROWS} WHERE ${where};`].join('\n'));
}

/**
 * Row numbering identifies this landing's rows by version + source + file, so a second landing under the same
 * version would be renumbered with them. Each landed file gets a new version; refuse a reused one.
 */
async function assertVersionUnused(conn: DuckDBConnection, prepared: PreparedFile, lineage: LandingLineage, files: readonly string[]): Promise<void> {
  const types = [...new Set(prepared.parts.map((p) => p.type))];
  if (types.length === 0) return;
  const fileList = [...new Set(files)].map(sqlString).join(', ');
  const probes = types.map(
    (t) => `SELECT 1 FROM ${rawTable(t)} WHERE _version = ${sqlBigint(lineage.version)} AND _source = ${sqlString(lineage.source)} AND _file IN (${fileList})`,
  );
  const reader = await conn.runAndReadAll(`SELECT EXISTS (${probes.join(' UNION ALL ')}) AS used`);
  if (reader.getRowsJson()[0]?.[0] === true) {
    throw new ExecutionError(`version ${lineage.version} of ${lineage.source}/${lineage.fileKey} has already landed rows`, {
      location: { file: lineage.fileKey },
      hint: 'every landed file needs a new load version; use replaceFileRows for a full reload under a new version',
    });
  }
}

function checkLineage(lineage: LandingLineage): void {
  if (typeof lineage.version !== 'bigint' || lineage.version < 0n) throw new RangeError('lineage.version must be a non-negative bigint');
  if (lineage.source === '' || lineage.fileKey === '') throw new RangeError('lineage.source and lineage.fileKey must not be empty');
  if (!(lineage.loadedAt instanceof Date) || Number.isNaN(lineage.loadedAt.getTime())) throw new RangeError('lineage.loadedAt must be a valid Date');
}
