import { quoteIdent, quoteLiteral } from '../../compile/node-ids.js';
import type { ColumnDef } from '../../project/types.js';
import type { Warehouse } from '../warehouse.js';

/**
 * Writes descriptions as DuckDB comments (`COMMENT ON TABLE|VIEW|COLUMN`), so analysts see them in
 * `duckdb_tables()`, `duckdb_columns()` and their SQL client. Columns that are documented but absent are skipped
 * (a data test or `revrec docs` reports them, not the build).
 */
export async function writeComments(
  wh: Warehouse,
  schema: string,
  name: string,
  kind: 'table' | 'view',
  description: string,
  columns: readonly ColumnDef[],
): Promise<void> {
  const relation = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const statements: string[] = [];
  if (description) statements.push(`COMMENT ON ${kind === 'view' ? 'VIEW' : 'TABLE'} ${relation} IS ${quoteLiteral(description)}`);
  const documented = columns.filter((c) => c.description);
  if (documented.length) {
    const existing = new Set(await wh.columnNames(schema, name));
    for (const column of documented) {
      if (existing.has(column.name)) {
        statements.push(`COMMENT ON COLUMN ${relation}.${quoteIdent(column.name)} IS ${quoteLiteral(column.description)}`);
      }
    }
  }
  if (statements.length) await wh.run(statements.join(';\n'));
}
