/**
 * Turns XLSX cell values (as exceljs's streaming reader gives them) into the text that the CSV handed to DuckDB
 * holds. Pure functions; the rules are those of inputs.md: dates as `YYYY-MM-DD`, numbers as plain decimals.
 */

/** Text written for a formula whose cached result is an error exceljs could not keep (it parses `#N/A` to NaN). */
export const FORMULA_ERROR_TEXT = '#ERROR';

/**
 * Shortest round-trip decimal text of a double, never in exponent notation: `1e-7` → `0.0000001`,
 * `1e21` → `1000000000000000000000`, `0.1 + 0.2` → `0.30000000000000004`, `-0` → `0`.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return FORMULA_ERROR_TEXT;
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const text = String(value); // shortest round-trip digits (ECMAScript Number::toString)
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const position = (point < 0 ? mantissa.length : point) + exponent; // digits before the decimal point
  let plain: string;
  if (position <= 0) plain = `0.${'0'.repeat(-position)}${digits}`;
  else if (position >= digits.length) plain = digits + '0'.repeat(position - digits.length);
  else plain = `${digits.slice(0, position)}.${digits.slice(position)}`;
  return negative ? `-${plain}` : plain;
}

/**
 * A date cell as `YYYY-MM-DD` in UTC (exceljs builds dates from the serial number as UTC, so no time zone enters).
 * A cell with a time of day keeps it (`YYYY-MM-DD HH:MM:SS[.mmm]`): it is not truncated silently, the date
 * validation of the staging models flags it.
 */
export function formatDate(value: Date): string {
  const time = value.getTime();
  if (Number.isNaN(time)) return '';
  const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)}`;
  const h = value.getUTCHours();
  const m = value.getUTCMinutes();
  const s = value.getUTCSeconds();
  const ms = value.getUTCMilliseconds();
  if (h === 0 && m === 0 && s === 0 && ms === 0) return date;
  return `${date} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${ms === 0 ? '' : `.${pad(ms, 3)}`}`;
}

/** Excel serial day number → Date (UTC), as exceljs does for plain date cells (`date1904` for Mac workbooks). */
export function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Whether a number format shows a date or time (the rule exceljs applies to plain cells, reused for formulas). */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(stripped);
}

/**
 * Text of one cell: strings as they are (a leading `=` stays text: formula injection is the reader's concern, the
 * value is kept verbatim), numbers by {@link formatNumber}, dates by {@link formatDate}, booleans `TRUE`/`FALSE`,
 * rich text joined, hyperlinks their text, formulas their cached result (empty when the file has none),
 * error cells their code (`#N/A`).
 */
export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return formatDate(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return (v.richText as Array<{ text?: unknown }>).map((r) => (typeof r.text === 'string' ? r.text : '')).join('');
  if ('formula' in v || 'sharedFormula' in v) {
    const result = v.result;
    if (typeof result === 'number' && isDateFormat(numFmt) && Number.isFinite(result)) return formatDate(excelSerialToDate(result, date1904));
    return cellText(result, undefined, date1904);
  }
  if (typeof v.error === 'string') return v.error;
  if ('text' in v) return cellText(v.text, numFmt, date1904);
  return JSON.stringify(value);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
