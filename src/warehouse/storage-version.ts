import { DuckDBInstance } from '@duckdb/node-api';
import { ConfigError } from '../errors.js';
import type { WarehouseSettings } from '../project/types.js';
import type { Warehouse } from './warehouse.js';

/**
 * The DuckDB storage format a new warehouse file is created in (`warehouse.storage_version` in pipeline.yml).
 *
 * DuckDB writes new files in its v1.0.0 format unless told otherwise, so that any DuckDB since 1.0 can read them. That
 * format compresses a text column with dictionary or FSST, and to choose between them DuckDB analyses every column
 * segment both ways; for the near-unique keys and ids this project writes in every large table (record keys, line
 * keys, order, item and invoice ids) the dictionary analysis is the costly, wasted half. The v1.3.0 format has a
 * combined dictionary+FSST encoding that is analysed in one pass: a full build of the 1M-line warehouse took 19.2–19.6 s
 * of models against 22.1–22.6 s in alternating runs (`revrec build --full-refresh` on copies of the same warehouse, one
 * converted with `COPY FROM DATABASE`), with the tables about as large (int_documents 82 MiB against 79 MiB). v1.5.0
 * measured the same (19.1–19.5 s), so the default is the oldest format with the gain: the file, and the published
 * copy, open in DuckDB 1.3.0 or later.
 *
 * DuckDB applies the setting when it creates a file; a warehouse created in an older format stays in it, and a build
 * logs {@link olderFormatNote} (README, "Configuration", says how to convert it).
 */
export const DEFAULT_STORAGE_VERSION = 'v1.3.0';

/** What `warehouse.storage_version` accepts: a DuckDB storage version such as v1.3.0, or `latest`. */
export const STORAGE_VERSION_PATTERN = /^(v\d+\.\d+\.\d+|latest)$/;

/** The storage format a file created now gets: `warehouse.storage_version`, or the default. */
export function wantedStorageVersion(settings: Pick<WarehouseSettings, 'storageVersion'>): string {
  return settings.storageVersion ?? DEFAULT_STORAGE_VERSION;
}

/** DuckDB config for the storage format of files it creates. The bench's bare-SQL side uses it too. */
export function duckdbStorageConfig(settings: Pick<WarehouseSettings, 'storageVersion'>): Record<string, string> {
  return { storage_compatibility_version: wantedStorageVersion(settings) };
}

/** The storage format the open warehouse file is in (`v1.3.0+`), or undefined in memory. */
export async function fileStorageVersion(wh: Warehouse): Promise<string | undefined> {
  const version = await wh.scalar<string | null>(
    `SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()`,
  );
  return version ?? undefined;
}

/** `v1.3.0` / `v1.3.0+` as one comparable number; undefined for `latest` or anything else. */
function versionRank(version: string): number | undefined {
  const match = /^v(\d+)\.(\d+)\.(\d+)\+?$/.exec(version);
  return match ? Number(match[1]) * 1e6 + Number(match[2]) * 1e3 + Number(match[3]) : undefined;
}

/**
 * A line for the log when the open warehouse file is in an older storage format than `warehouse.storage_version`
 * asks for new files (a warehouse created before the setting existed): DuckDB never converts a file itself.
 */
export async function olderFormatNote(wh: Warehouse, settings: Pick<WarehouseSettings, 'storageVersion'>): Promise<string | undefined> {
  const wanted = wantedStorageVersion(settings);
  const actual = await fileStorageVersion(wh);
  const wantedRank = versionRank(wanted);
  const actualRank = actual === undefined ? undefined : versionRank(actual);
  if (wantedRank === undefined || actualRank === undefined || actualRank >= wantedRank) return undefined;
  return `the warehouse file is in DuckDB's ${actual} storage format, older than the ${wanted} that warehouse.storage_version gives new files (faster to write): copy it into the new format (README, "Configuration") or set storage_version: ${actual!.replace('+', '')} to keep it`;
}

/**
 * When DuckDB refused to open the warehouse with "Failed to set config", whether `warehouse.storage_version` is the
 * setting it refused (a version this DuckDB does not know): tried alone on an in-memory database, only on that error.
 */
export async function storageVersionError(settings: Pick<WarehouseSettings, 'storageVersion'>): Promise<ConfigError | undefined> {
  if (!settings.storageVersion) return undefined;
  try {
    const probe = await DuckDBInstance.create(':memory:', duckdbStorageConfig(settings));
    probe.closeSync();
    return undefined;
  } catch {
    return new ConfigError(`warehouse.storage_version ${settings.storageVersion} is not a storage version this DuckDB knows`, {
      location: { file: 'pipeline.yml' },
      hint: `use one of DuckDB's versions from v0.10.0 on (such as v1.0.0 or ${DEFAULT_STORAGE_VERSION}) or latest`,
    });
  }
}
