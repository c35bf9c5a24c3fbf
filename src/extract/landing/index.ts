/** Public API of landing: prepared CSV parts → `raw.<type>` and `raw.rejected_rows`, inside the caller's transaction. */
export { ensureRawTables, rawColumns, rawTable, RAW_SCHEMA, REJECTED_ROWS_TABLE } from './raw-tables.js';
export { landPreparedFile, type LandedPart, type LandingLineage, type LandingOptions, type LandingResult } from './land-prepared-file.js';
export { DEFAULT_MAX_LINE_BYTES } from './csv-read-sql.js';
