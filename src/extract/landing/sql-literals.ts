/**
 * Quoting for SQL text built from values that come from outside (file names, paths, header names, sheet names).
 * Everything interpolated into landing SQL goes through one of these; nothing else is concatenated.
 */

// Identifiers and string literals are quoted as everywhere else (compile/node-ids.ts).
export { quoteIdent, quoteLiteral as sqlString } from '../../compile/node-ids.js';

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
