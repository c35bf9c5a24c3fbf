import type { PreparedPart } from '../formats/prepared-file.js';
import { sqlString } from './sql-literals.js';

/** Default `max_line_size` of DuckDB's reader: longer records are rejected as BAD_ROW. */
export const DEFAULT_MAX_LINE_BYTES = 2 * 1024 * 1024;

/** Name of CSV field `i` in the `read_csv` output (never a header name: those only ever appear as literals). */
export function fieldName(i: number): string {
  return `c${i}`;
}

/**
 * The `read_csv(...)` call for one part: every field VARCHAR under a generated name (no type detection: it turns
 * money into DOUBLE), the dialect fixed (comma, `"` quote and escape, header skipped, no comment lines, no
 * decompression), bad records stored in the given reject tables instead of failing the read.
 *
 * Ordinal parts are read with `parallel=false`: `WITH ORDINALITY` then numbers rows in file order at almost no
 * cost (measured: 0.60 s vs 0.49 s for 1M rows, against 0.9 s for a parallel read with ordinality, whose order
 * needs a streaming window).
 */
export function readCsvSql(part: PreparedPart, rejects: { table: string; scan: string }, maxLineBytes: number): string {
  const columns = Array.from({ length: part.headerMap.fieldCount }, (_, i) => `${sqlString(fieldName(i))}: 'VARCHAR'`).join(', ');
  const ordinal = part.rowNumbers.kind === 'ordinal';
  const options = [
    `columns = {${columns}}`,
    'header = true',
    'auto_detect = false',
    "delim = ','",
    `quote = '"'`,
    `escape = '"'`,
    "comment = ''",
    'skip = 0',
    'null_padding = false',
    'strict_mode = true',
    "compression = 'none'",
    "encoding = 'utf-8'",
    `max_line_size = ${Math.trunc(maxLineBytes)}`,
    `parallel = ${ordinal ? 'false' : 'true'}`,
    'store_rejects = true',
    `rejects_table = ${sqlString(rejects.table)}`,
    `rejects_scan = ${sqlString(rejects.scan)}`,
    'rejects_limit = 0',
  ];
  return `read_csv(${sqlString(part.csvPath)}, ${options.join(', ')})${ordinal ? ' WITH ORDINALITY' : ''}`;
}
