/** Public API of the format readers: downloaded file → CSV parts for DuckDB, or a load failure. */
export { prepareFile } from './prepare-file.js';
export {
  DEFAULT_ARCHIVE_LIMITS,
  type ArchiveLimits,
  type IgnoredEntry,
  type PrepareOptions,
  type PrepareResult,
  type PreparedFile,
  type PreparedPart,
} from './prepared-file.js';
export { LOAD_FAILURE_CODES, LoadFailureError, type LoadFailure, type LoadFailureCode } from './load-failure.js';
export type { HeaderField, HeaderMap } from './header-map.js';
export { createRecordTypeMatcher, recordTypeOfSheet, type FilePatterns, type RecordTypeMatcher } from './record-type-matcher.js';
