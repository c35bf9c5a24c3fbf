import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { messageOf } from '../errors.js';
import type { WarehouseSettings } from '../project/types.js';
import { Warehouse } from '../warehouse/warehouse.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
}

export interface WarehouseCatalog {
  readonly origin: 'published' | 'warehouse' | 'none';
  /** Which file, or why there are no types; shown on the docs page. */
  readonly note: string;
  /** `schema.name` (lower case) → columns in order. */
  readonly relations: ReadonlyMap<string, readonly CatalogColumn[]>;
}

/**
 * Column names and types of every relation, read from the published read-only copy when there is one (opening it
 * never gets in a run's way), else from the warehouse itself, read-only and only for the moment of one query. No
 * file, or a file held by a running `revrec`: no types (the docs still build, from the SQL alone).
 */
export async function readWarehouseCatalog(settings: WarehouseSettings, root: string): Promise<WarehouseCatalog> {
  const candidates: { origin: 'published' | 'warehouse'; path: string }[] = [];
  if (settings.publishPath) candidates.push({ origin: 'published', path: resolve(root, settings.publishPath) });
  if (settings.path !== ':memory:') candidates.push({ origin: 'warehouse', path: resolve(root, settings.path) });
  const problems: string[] = [];
  for (const candidate of candidates) {
    if (!existsSync(candidate.path)) continue;
    let wh: Warehouse | undefined;
    try {
      wh = await Warehouse.open({ path: candidate.path, threads: 1 }, { readOnly: true });
      const rows = await wh.rows<{ schema_name: string; table_name: string; column_name: string; data_type: string }>(
        'SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index',
      );
      const relations = new Map<string, CatalogColumn[]>();
      for (const row of rows) {
        const key = `${row.schema_name}.${row.table_name}`.toLowerCase();
        const list = relations.get(key) ?? [];
        list.push({ name: row.column_name, type: row.data_type });
        relations.set(key, list);
      }
      return { origin: candidate.origin, note: `column types from ${candidate.origin === 'published' ? 'the published copy' : 'the warehouse'} ${candidate.path}`, relations };
    } catch (error) {
      problems.push(`${candidate.path}: ${messageOf(error).split('\n')[0]}`);
    } finally {
      wh?.close();
    }
  }
  const why = problems.length ? `could not read ${problems.join('; ')}` : 'no warehouse file yet (run revrec build)';
  return { origin: 'none', note: `column types unknown: ${why}`, relations: new Map() };
}
