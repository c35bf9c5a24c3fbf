import type { CompiledGraph, GraphNode, ModelNode } from '../compile/graph-types.js';
import { ROW_HASH } from '../warehouse/materializations/changed-rows.js';
import type { ColumnTransform } from './docs-types.js';
import type { CatalogColumn } from './warehouse-catalog.js';
import { selectLineage } from './select-lineage.js';
import type { LineageColumn, RelationInfo } from './select-lineage.js';
import type { SqlParser } from './sql-parser.js';

export interface ModelLineage {
  readonly columns: readonly LineageColumn[];
  /** Every output column found and named. */
  readonly complete: boolean;
  /** What could not be followed (parse errors included). */
  readonly notes: readonly string[];
  readonly failed: boolean;
}

/** `schema.name`, lower case: how compiled SQL names a relation, and how the catalog is keyed. */
export function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`.toLowerCase();
}

/**
 * Column-level lineage of every model, in topological order, so a model's output columns are known to the models
 * that read it even when the warehouse was never built. Each model's compiled SQL is parsed by DuckDB
 * (`json_serialize_sql`) and walked by {@link selectLineage}. When the warehouse knows the model's columns they win:
 * positionally when the SQL gave the same number of columns (DuckDB names unaliased expressions itself), by name
 * otherwise.
 */
export async function computeColumnLineage(
  graph: CompiledGraph,
  catalog: ReadonlyMap<string, readonly CatalogColumn[]>,
  parser: SqlParser,
): Promise<Map<string, ModelLineage>> {
  const relations = new Map<string, RelationInfo>();
  const byIdentifier = new Map<string, RelationInfo[]>();
  const register = (node: GraphNode & { schema: string; identifier: string }, columns: readonly string[] | undefined) => {
    const info: RelationInfo = { node: node.id, relation: `${node.schema}.${node.identifier}`, ...(columns ? { columns } : {}) };
    relations.set(relationKey(node.schema, node.identifier), info);
    const list = byIdentifier.get(node.identifier.toLowerCase()) ?? [];
    byIdentifier.set(node.identifier.toLowerCase(), [...list.filter((i) => i.node !== node.id), info]);
  };
  for (const node of Object.values(graph.nodes)) {
    if (node.kind === 'test') continue;
    register(node, catalog.get(relationKey(node.schema, node.identifier))?.map((c) => c.name));
  }
  const lookup = (schema: string, name: string): RelationInfo | undefined => {
    if (schema) return relations.get(relationKey(schema, name));
    const candidates = byIdentifier.get(name.toLowerCase()) ?? [];
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  const result = new Map<string, ModelLineage>();
  for (const id of graph.order) {
    const node = graph.nodes[id];
    if (node?.kind !== 'model') continue;
    const parsed = await parser.parse(node.compiledSql);
    if (!parsed.ok) {
      result.set(id, { columns: [], complete: false, notes: [`DuckDB could not parse the compiled SQL: ${parsed.error.split('\n')[0]}`], failed: true });
      continue;
    }
    const lineage = withStoredHash(node, selectLineage(parsed.statement, lookup));
    const built = catalog.get(relationKey(node.schema, node.identifier));
    const columns = built ? alignWithCatalog(lineage.columns, lineage.complete, built) : lineage.columns;
    const complete = lineage.complete && columns.every((c) => c.transform !== 'unknown');
    result.set(id, { columns, complete, notes: lineage.notes, failed: false });
    if (!built && lineage.complete) register(node, columns.map((c) => c.name));
  }
  return result;
}

/**
 * A keep_unchanged_rows model's table ends with `_row_hash`, the engine's hash of every other column
 * (src/warehouse/materializations/changed-rows.ts): derived from all their sources. One the SQL passes on from an
 * upstream model is replaced by it, as the engine does.
 */
function withStoredHash<T extends { readonly columns: readonly LineageColumn[] }>(node: ModelNode, lineage: T): T {
  if (!node.config.keepUnchangedRows) return lineage;
  const columns = lineage.columns.filter((c) => c.name !== ROW_HASH);
  const sources = [...new Map(columns.flatMap((c) => c.sources).map((x) => [`${x.relation}.${x.column}`, x])).values()];
  return { ...lineage, columns: [...columns, { name: ROW_HASH, sources, transform: 'derived' }] };
}

function alignWithCatalog(columns: readonly LineageColumn[], complete: boolean, built: readonly CatalogColumn[]): LineageColumn[] {
  if (complete && columns.length === built.length) return built.map((b, i) => ({ ...columns[i]!, name: b.name }));
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  return built.map((b) => {
    const found = byName.get(b.name.toLowerCase());
    return found ? { ...found, name: b.name } : { name: b.name, sources: [], transform: 'unknown' as ColumnTransform };
  });
}
