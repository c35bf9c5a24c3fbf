import type { DuckDBConnection } from '@duckdb/node-api';
import { LINEAGE_COLUMNS, RECORD_TYPES, RECORD_TYPE_NAMES, type RecordTypeName } from '../record-types.js';
import { EXTRA_COLUMN_DOC, RAW_TABLE_DOCS, REJECTED_COLUMN_DOCS, REJECTED_ROWS_DOC, lineageColumnDoc, rawColumnDoc } from './raw-table-docs.js';
import { quoteIdent, sqlString } from './sql-literals.js';

export const RAW_SCHEMA = 'raw';
export const REJECTED_ROWS_TABLE = 'rejected_rows';

/** `raw."<type>"`. */
export function rawTable(type: RecordTypeName): string {
  return `${quoteIdent(RAW_SCHEMA)}.${quoteIdent(type)}`;
}

export const REJECTED_ROWS = `${quoteIdent(RAW_SCHEMA)}.${quoteIdent(REJECTED_ROWS_TABLE)}`;

/** Columns of `raw.rejected_rows`, in order. */
export const REJECTED_ROWS_COLUMNS = [
  ['type', 'VARCHAR NOT NULL'],
  ['_version', 'BIGINT NOT NULL'],
  ['_source', 'VARCHAR NOT NULL'],
  ['_file', 'VARCHAR NOT NULL'],
  ['_row', 'BIGINT'],
  ['code', 'VARCHAR NOT NULL'],
  ['message', 'VARCHAR NOT NULL'],
  ['raw_text', 'VARCHAR'],
] as const;

/** Column list of `raw.<type>`: canonical columns (VARCHAR), `_extra` (JSON), lineage; in this order. */
export function rawColumns(type: RecordTypeName): Array<readonly [name: string, sqlType: string, doc: string]> {
  return [
    ...RECORD_TYPES[type].columns.map((c) => [c, 'VARCHAR', rawColumnDoc(type, c)] as const),
    ['_extra', 'JSON', EXTRA_COLUMN_DOC] as const,
    ...LINEAGE_COLUMNS.map((c) => [c.name, `${c.type} NOT NULL`, lineageColumnDoc(c.name)] as const),
  ];
}

/**
 * Creates schema `raw`, one table per record type and `raw.rejected_rows`, with a comment on every table and
 * column. Idempotent: existing tables are kept and get any canonical column they lack (added at the end; landing
 * always names its columns). Comments are written only where they differ from the stored ones: every command opens
 * the warehouse through this, and rewriting about 150 unchanged comments cost 45 ms and a catalog entry in the
 * write-ahead log each time. Runs in the caller's transaction if there is one.
 */
export async function ensureRawTables(conn: DuckDBConnection): Promise<void> {
  const existing = await existingTables(conn);
  const statements = [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(RAW_SCHEMA)};`];
  const tables: Array<{ table: string; name: string; doc: string; columns: ReadonlyArray<readonly [string, string, string]> }> = [
    ...RECORD_TYPE_NAMES.map((type) => ({ table: rawTable(type), name: type, doc: RAW_TABLE_DOCS[type], columns: rawColumns(type) })),
    {
      table: REJECTED_ROWS,
      name: REJECTED_ROWS_TABLE,
      doc: REJECTED_ROWS_DOC,
      columns: REJECTED_ROWS_COLUMNS.map(([n, t]) => [n, t, REJECTED_COLUMN_DOCS[n]!] as const),
    },
  ];
  for (const { table, name, doc, columns } of tables) {
    const have = existing.get(name);
    if (have === undefined) {
      statements.push(`CREATE TABLE IF NOT EXISTS ${table} (${columns.map(([c, t]) => `${quoteIdent(c)} ${t}`).join(', ')});`);
    } else {
      // A column added later to record-types: nullable, since earlier rows have no value for it.
      for (const [c, t] of columns) if (!have.columns.has(c)) statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c)} ${t.replace(' NOT NULL', '')};`);
    }
    if (have?.comment !== doc) statements.push(`COMMENT ON TABLE ${table} IS ${sqlString(doc)};`);
    for (const [c, , d] of columns) if (have?.columns.get(c) !== d) statements.push(`COMMENT ON COLUMN ${table}.${quoteIdent(c)} IS ${sqlString(d)};`);
  }
  if (statements.length > 1) await conn.run(statements.join('\n'));
}

/** The raw tables as stored: table comment, and each column's comment (null without one). */
async function existingTables(conn: DuckDBConnection): Promise<Map<string, { comment: string | null; columns: Map<string, string | null> }>> {
  const reader = await conn.runAndReadAll(
    `SELECT t.table_name, t.comment, c.column_name, c.comment FROM duckdb_tables() AS t JOIN duckdb_columns() AS c USING (database_name, schema_name, table_name) ` +
      `WHERE t.database_name = current_database() AND t.schema_name = ${sqlString(RAW_SCHEMA)}`,
  );
  const tables = new Map<string, { comment: string | null; columns: Map<string, string | null> }>();
  for (const [table, tableComment, column, columnComment] of reader.getRowsJson() as Array<[string, string | null, string, string | null]>) {
    let entry = tables.get(table);
    if (entry === undefined) tables.set(table, (entry = { comment: tableComment, columns: new Map() }));
    entry.columns.set(column, columnComment);
  }
  return tables;
}
