import picomatch from 'picomatch';
import { RECORD_TYPES, RECORD_TYPE_NAMES, normalizeHeader, type RecordTypeName } from '../record-types.js';

/** Per-source file-name globs (case-insensitive); types not listed keep their default `filePattern`. */
export type FilePatterns = Partial<Record<RecordTypeName, string | readonly string[]>>;

/** Returns every record type whose glob matches a CSV name (a path is matched by its base name). */
export type RecordTypeMatcher = (fileName: string) => RecordTypeName[];

/** Builds the file-name → record-type matcher of one source. */
export function createRecordTypeMatcher(patterns: FilePatterns = {}): RecordTypeMatcher {
  const matchers = RECORD_TYPE_NAMES.map((type) => {
    const configured = patterns[type];
    const globs = configured === undefined ? [RECORD_TYPES[type].filePattern] : typeof configured === 'string' ? [configured] : [...configured];
    return { type, isMatch: picomatch(globs, { nocase: true, basename: true }) };
  });
  return (fileName) => {
    const name = fileName.replaceAll('\\', '/');
    return matchers.filter((m) => m.isMatch(name)).map((m) => m.type);
  };
}

/** The record type an XLSX tab is named after (`Orders`, `fx rates`, `FX_RATES` → orders, fx_rates), if any. */
export function recordTypeOfSheet(sheetName: string): RecordTypeName | undefined {
  const key = normalizeHeader(sheetName);
  return RECORD_TYPE_NAMES.find((t) => t === key);
}

/** The glob list actually in force, for messages. */
export function describePatterns(patterns: FilePatterns = {}): string {
  return RECORD_TYPE_NAMES.map((t) => {
    const p = patterns[t] ?? RECORD_TYPES[t].filePattern;
    return typeof p === 'string' ? p : p.join(' | ');
  }).join(', ');
}
