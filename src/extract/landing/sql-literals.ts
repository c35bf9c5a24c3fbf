/**
 * Quoting for SQL text built from values that come from outside (file names, paths, header names, sheet names).
 * Everything interpolated into landing SQL goes through one of these; nothing else is concatenated.
 */

/** A DuckDB identifier: double quotes, inner quotes doubled. */
export function quoteIdent(name: string): string {
  assertNoNul(name, 'identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

/** A standard SQL string literal: single quotes, inner quotes doubled (DuckDB gives backslashes no meaning here). */
export function sqlString(value: string): string {
  assertNoNul(value, 'string literal');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A BIGINT literal from a bigint; refuses values outside the signed 64-bit range. */
export function sqlBigint(value: bigint): string {
  if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new RangeError(`${value} does not fit a BIGINT`);
  return `${value}::BIGINT`;
}

/** A TIMESTAMP literal (UTC wall time, millisecond precision) from a valid Date. */
export function sqlTimestamp(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date for a TIMESTAMP literal');
  return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function assertNoNul(value: string, what: string): void {
  // A NUL cannot appear in DuckDB SQL text; refuse rather than truncate silently.
  if (value.includes('\u0000')) throw new RangeError(`NUL character in ${what}: ${JSON.stringify(value)}`);
}
