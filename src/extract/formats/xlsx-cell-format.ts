/**
 * Turns XLSX cell values into the text that the CSV handed to DuckDB holds. Pure functions; the rules are those of
 * inputs.md: dates as `YYYY-MM-DD`, numbers as plain decimals. The sheet reader (`xlsx-sheet-reader.ts`) uses the
 * scalar helpers on the cell XML; {@link cellText} does the same for a cell given as a value object (string,
 * number, Date, `{ formula, result }`, `{ richText }`, `{ error }`, `{ text }`).
 */

/** Text written for a formula whose cached result is an error (or a number that is not one). */
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
 * A date cell as `YYYY-MM-DD` in UTC (dates are built from the serial number as UTC, so no time zone enters).
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

/** Excel serial day number → Date (UTC), to the millisecond (`date1904` for workbooks in the 1904 date system). */
export function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/**
 * Whether a number format code shows a date or time: after dropping `[…]` (colours, locales, elapsed time), quoted
 * literals and escaped characters (`\x`, `_x`, `*x`), a date or time letter remains (`y m d h s`, `b` for the
 * Buddhist year; Excel reads them in either case). `0.0 \k\m` or `#,##0 "days"` are numbers.
 */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/[\\_*]./g, '');
  return /[ymdhsb]/i.test(stripped);
}

/** Built-in number formats (ECMA-376 §18.8.30, with the East Asian locale ones) that show a date or a time. */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * Whether cells of a style with this `numFmtId` are dates: a format code the workbook defines decides by
 * {@link isDateFormat}; otherwise the built-in ids 14–22, 27–36, 45–47 and 50–58 are dates.
 */
export function isDateFormatId(numFmtId: number, formatCode: string | undefined): boolean {
  return formatCode === undefined ? BUILT_IN_DATE_FORMATS.has(numFmtId) : isDateFormat(formatCode);
}

/**
 * A date cell's serial number as text ({@link formatDate}); a serial outside the range of dates keeps its number
 * text (so validation flags it as a bad date rather than a missing one).
 */
export function serialDateText(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial)) return formatNumber(serial);
  const text = formatDate(excelSerialToDate(serial, date1904));
  return text === '' ? formatNumber(serial) : text;
}

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A `t="d"` cell (ISO 8601 text, written by some tools and by strict OOXML) in the same form as a serial date:
 * `YYYY-MM-DD`, with the time kept when it is not midnight. Anything else is kept verbatim for validation to judge.
 */
export function isoDateCellText(value: string): string {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return value;
  const [, date, h = '00', m = '00', s = '00', ms = ''] = match;
  const millis = ms === '' ? '' : ms.padEnd(3, '0');
  if (h === '00' && m === '00' && s === '00' && (millis === '' || millis === '000')) return date!;
  return `${date} ${h}:${m}:${s}${millis === '' || millis === '000' ? '' : `.${millis}`}`;
}

const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/**
 * Undoes the `_xHHHH_` escapes of OOXML strings (ECMA-376 §22.9.2.19, ST_Xstring): Excel writes a carriage return
 * as `_x000D_` and a literal `_x0041_` as `_x005F_x0041_`.
 */
export function decodeOoxmlEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(OOXML_ESCAPE, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
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
