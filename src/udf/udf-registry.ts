import type { DuckDBConnection, DuckDBScalarFunction, DuckDBTableFunction } from '@duckdb/node-api';

/**
 * TypeScript functions available to every model. Each entry builds its DuckDB function object; `registerUdfs`
 * registers them once per database (a registered function is visible to every connection of that database).
 * They are not stored in the DuckDB file: a view that calls one would fail for an analyst opening the published
 * copy, so models that call a UDF must be materialized as tables (compile warns otherwise).
 */
export interface UdfDefinition {
  readonly name: string;
  /** SQL signature and meaning, for docs: `revrec_sequence_documents(docs LIST(STRUCT…)) → LIST(STRUCT…)`. */
  readonly signature: string;
  readonly description: string;
  readonly create: () => { scalar: DuckDBScalarFunction } | { table: DuckDBTableFunction };
}

const definitions: UdfDefinition[] = [];
const registered = new WeakSet<object>();

export function defineUdf(definition: UdfDefinition): void {
  if (definitions.some((d) => d.name === definition.name)) throw new Error(`Unexpected duplicate UDF ${definition.name}`);
  definitions.push(definition);
}

export function listUdfs(): readonly UdfDefinition[] {
  return definitions;
}

/** Registers every defined UDF on the database behind `connection` (idempotent per database key). */
export function registerUdfs(connection: DuckDBConnection, databaseKey: object): void {
  if (registered.has(databaseKey)) return;
  for (const definition of definitions) {
    const fn = definition.create();
    if ('scalar' in fn) connection.registerScalarFunction(fn.scalar);
    else connection.registerTableFunction(fn.table);
  }
  registered.add(databaseKey);
}
