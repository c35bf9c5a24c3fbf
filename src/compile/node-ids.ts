/** Stable node ids used in the DAG, artifacts, logs and selection: `<type>.<project>.<name>` (dbt's unique_id). */
export const nodeId = {
  model: (project: string, name: string) => `model.${project}.${name}`,
  seed: (project: string, name: string) => `seed.${project}.${name}`,
  test: (project: string, name: string) => `test.${project}.${name}`,
  source: (project: string, source: string, table: string) => `source.${project}.${source}.${table}`,
};

/**
 * Double-quotes a SQL identifier, doubling embedded quotes, so no name from outside can break out of it. The one
 * quoting of identifiers: the compiler, the engine and the landing SQL (extract/landing/sql-literals.ts) use it.
 */
export function quoteIdent(name: string): string {
  assertNoNul(name, 'identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Single-quotes a SQL string literal, doubling embedded quotes (DuckDB gives backslashes no meaning here). */
export function quoteLiteral(value: string): string {
  assertNoNul(value, 'string literal');
  return `'${value.replaceAll("'", "''")}'`;
}

function assertNoNul(value: string, what: string): void {
  // A NUL cannot appear in DuckDB SQL text; refuse rather than truncate silently.
  if (value.includes('\u0000')) throw new RangeError(`NUL character in ${what}: ${JSON.stringify(value)}`);
}

/** `"schema"."name"`. */
export function relationName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
