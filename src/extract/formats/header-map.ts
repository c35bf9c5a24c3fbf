import { RECORD_TYPES, normalizeHeader, type RecordTypeName } from '../record-types.js';
import { LoadFailureError } from './load-failure.js';

/** One field of the header row of a prepared CSV. */
export interface HeaderField {
  /** 0-based field position in the CSV that DuckDB reads. */
  readonly field: number;
  /** The header cell as delivered (BOM removed, not trimmed). */
  readonly header: string;
  /** The canonical column this field fills, when the header names one. */
  readonly canonical?: string;
  /** Otherwise the key under which the value is kept in `_extra` (the normalised header, `column_<n>` when blank). */
  readonly extraKey?: string;
}

/** How the fields of a prepared CSV map to the columns of `raw.<type>`. Serializable. */
export interface HeaderMap {
  /** Fields per record in the prepared CSV (for XLSX tabs this includes the leading row-number field). */
  readonly fieldCount: number;
  /** The header fields (not the XLSX row-number field), in file order. */
  readonly fields: readonly HeaderField[];
}

/**
 * Maps header cells to the canonical columns of `type` (inputs.md: case-insensitive, spaces and underscores alike).
 * Unknown columns become `_extra` keys; blank header cells become `column_<position>`. `fieldOffset` is the
 * position of the first header cell in the prepared CSV (1 for XLSX tabs, whose field 0 is the row number).
 * @throws LoadFailureError `DUPLICATE_COLUMN` or `MISSING_COLUMN`, with a message naming the file (`where`).
 */
export function mapHeader(
  type: RecordTypeName,
  headers: readonly string[],
  where: { display: string; entryName?: string; fieldOffset?: number },
): HeaderMap {
  const recordType = RECORD_TYPES[type];
  const offset = where.fieldOffset ?? 0;
  const canonicalByKey = new Map(recordType.columns.map((c) => [normalizeHeader(c), c]));
  const firstByKey = new Map<string, number>();
  const duplicates: string[] = [];
  const fields: HeaderField[] = headers.map((raw, i) => {
    const header = raw.replace(/^\uFEFF/, '');
    const key = normalizeHeader(header) || `column_${i + 1}`;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, i);
    else duplicates.push(`columns ${first + 1} (${show(headers[first] ?? '')}) and ${i + 1} (${show(header)}) both mean "${canonicalByKey.get(key) ?? key}"`);
    const canonical = canonicalByKey.get(key);
    return canonical === undefined ? { field: i + offset, header, extraKey: key } : { field: i + offset, header, canonical };
  });
  if (duplicates.length > 0) {
    throw new LoadFailureError(
      'DUPLICATE_COLUMN',
      `${where.display}: duplicate column${duplicates.length > 1 ? 's' : ''} in the header: ${duplicates.join('; ')}. ` +
        'Header names match case-insensitively with spaces and underscores alike; remove or rename one of each pair.',
      where.entryName,
    );
  }
  const present = new Set(fields.map((f) => f.canonical).filter((c) => c !== undefined));
  const missing = recordType.required.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new LoadFailureError('MISSING_COLUMN', missingMessage(type, headers, missing, where.display), where.entryName);
  }
  return { fieldCount: headers.length + offset, fields };
}

function missingMessage(type: RecordTypeName, headers: readonly string[], missing: readonly string[], display: string): string {
  const found = headers.length === 1 && headers[0]?.trim() === '' ? '(an empty first line)' : listHeaders(headers);
  const delimiter = suggestDelimiter(type, headers);
  return (
    `${display}: the header lacks required ${type} column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
    `Found ${headers.length} column${headers.length === 1 ? '' : 's'}: ${found}. ` +
    (delimiter
      ? `The header looks ${delimiter} separated: save the file as comma-separated CSV (UTF-8). `
      : `The first line must be the header row; ${type} needs ${RECORD_TYPES[type].required.join(', ')} ` +
        '(names match case-insensitively, spaces and underscores alike).')
  ).trim();
}

/** `"semicolon"`-style name of the delimiter the header seems to use instead of a comma, if any. */
function suggestDelimiter(type: RecordTypeName, headers: readonly string[]): string | undefined {
  const known = new Set(RECORD_TYPES[type].columns.map(normalizeHeader));
  const candidates: ReadonlyArray<readonly [string, string]> = [[';', 'semicolon (;)'], ['\t', 'tab'], ['|', 'pipe (|)']];
  for (const [delimiter, name] of candidates) {
    const pieces = headers.flatMap((h) => (h.includes(delimiter) ? h.split(delimiter) : []));
    if (pieces.filter((p) => known.has(normalizeHeader(p))).length >= 1) return name;
  }
  return undefined;
}

function listHeaders(headers: readonly string[]): string {
  const shown = headers.slice(0, 30).map(show).join(', ');
  return headers.length > 30 ? `${shown}, … (${headers.length - 30} more)` : shown;
}

function show(header: string): string {
  const clipped = header.length > 120 ? `${header.slice(0, 117)}…` : header;
  return JSON.stringify(clipped);
}
