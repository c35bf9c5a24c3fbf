import type { ExportFormat } from './export-select.js';
import type { ExportTypeName } from './export-types.js';

/** File names of exports.md: the prefix tells the jobs apart when they share a destination (seed 000). */
export const CLOSE_PREFIX = 'closedperiodexport';
export const CONTINUOUS_PREFIX = 'continuousexport';

/** `closedperiodexport-<type>-<YYYYMM>.<csv|parquet>`. */
export function closeFileName(type: ExportTypeName, period: number, format: ExportFormat): string {
  return `${CLOSE_PREFIX}-${type}-${period}.${format}`;
}

/** `closedperiodexport-manifest-<YYYYMM>.json`. */
export function closeManifestName(period: number): string {
  return `${CLOSE_PREFIX}-manifest-${period}.json`;
}

/** `continuousexport-<type>-<version>.<csv|parquet>`, version = the highest `Version` in the file. */
export function continuousFileName(type: ExportTypeName, version: bigint, format: ExportFormat): string {
  return `${CONTINUOUS_PREFIX}-${type}-${version}.${format}`;
}

/** `continuousexport-manifest-<version>.json`, version = the highest `Version` in the run. */
export function continuousManifestName(version: bigint): string {
  return `${CONTINUOUS_PREFIX}-manifest-${version}.json`;
}
