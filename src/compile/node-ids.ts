/** Stable node ids used in the DAG, artifacts, logs and selection: `<type>.<project>.<name>` (dbt's unique_id). */
export const nodeId = {
  model: (project: string, name: string) => `model.${project}.${name}`,
  seed: (project: string, name: string) => `seed.${project}.${name}`,
  test: (project: string, name: string) => `test.${project}.${name}`,
  source: (project: string, source: string, table: string) => `source.${project}.${source}.${table}`,
};

/** Double-quotes a SQL identifier, doubling embedded quotes, so no name from outside can break out of it. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Single-quotes a SQL string literal, doubling embedded quotes. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `"schema"."name"`. */
export function relationName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
