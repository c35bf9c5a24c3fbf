import { formatMinor } from '../../../src/finance/money.js';
import type { Measures, OracleResult, ReportedRow } from '../../oracle/oracle-types.js';

/** The rows of one line, by period. */
export function rowsOf(result: OracleResult, lineKey: string): Map<number, ReportedRow> {
  return new Map(result.rows.filter((r) => r.lineKey === lineKey).map((r) => [r.period, r]));
}

/** One measure of a line over periods, as text with the view's decimals (missing row = 0). */
export function series(
  result: OracleResult,
  lineKey: string,
  field: keyof Measures,
  periods: number[],
  view: 'txn' | 'home' = 'txn',
  minorUnit = 2,
): string[] {
  const rows = rowsOf(result, lineKey);
  return periods.map((p) => formatMinor(rows.get(p)?.[view][field] ?? 0n, view === 'home' ? result.homeMinorUnit : minorUnit));
}
