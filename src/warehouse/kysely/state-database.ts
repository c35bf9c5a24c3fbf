import { Kysely } from 'kysely';
import type { Warehouse } from '../warehouse.js';
import { DuckDBDialect } from './duckdb-dialect.js';

/** Types of the engine-owned tables, as Kysely sees them (DECIMAL/BIGINT as strings: exact). */
export interface RunHistoryTable {
  invocation_id: string;
  command: string;
  args: string | null;
  started_at: string;
  finished_at: string | null;
  status: string;
  nodes_total: number | null;
  nodes_failed: number | null;
  nodes_warned: number | null;
  pid: number | null;
  host: string | null;
}

export interface StateDatabase {
  'meta.run_history': RunHistoryTable;
}

/** A typed query builder on the warehouse's own connection (it is never closed by Kysely). */
export function stateDatabase<DB = StateDatabase>(wh: Warehouse): Kysely<DB> {
  return new Kysely<DB>({ dialect: new DuckDBDialect(wh.connection) });
}
