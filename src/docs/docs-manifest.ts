import type { CompiledGraph, GraphNode, TestNode } from '../compile/graph-types.js';
import type { ColumnDef, Project } from '../project/types.js';
import { REVREC_VERSION } from '../version.js';
import type { ModelLineage } from './column-lineage.js';
import { relationKey } from './column-lineage.js';
import { DOCS_SCHEMA_VERSION } from './docs-types.js';
import type { ColumnSource, DocsColumn, DocsManifest, DocsNode, DocsTestRef } from './docs-types.js';
import type { WarehouseCatalog } from './warehouse-catalog.js';

export interface DocsInputs {
  readonly project: Project;
  readonly graph: CompiledGraph;
  readonly catalog: WarehouseCatalog;
  readonly lineage: ReadonlyMap<string, ModelLineage>;
  readonly generatedAt: Date;
}

/**
 * The docs data, from an allow-list of each node's fields (never a whole config object or `vars`, which may carry
 * values interpolated from the environment). Pure: no I/O.
 */
export function buildDocsManifest(inputs: DocsInputs): DocsManifest {
  const { project, graph, catalog, lineage } = inputs;
  const testsOf = attachTests(graph);
  const rawSql = new Map(project.models.map((m) => [m.path, m.rawSql]));
  const nodes = new Map<string, DocsNode>();
  for (const id of graph.order) {
    const node = graph.nodes[id];
    if (!node) continue;
    const tests = testsOf.get(id) ?? [];
    const common = {
      id,
      kind: node.kind,
      name: node.name,
      description: node.description,
      path: node.path,
      tags: [...node.tags],
      dependsOn: [...node.dependsOn],
      children: [...(graph.children[id] ?? [])],
      tests: tests.map((t) => t.ref),
    };
    if (node.kind === 'test') {
      nodes.set(id, { ...common, config: testConfig(node), columns: [], compiledSql: node.compiledSql, ...(node.attachedTo ? { attachedTo: node.attachedTo } : {}) });
      continue;
    }
    const built = catalog.relations.get(relationKey(node.schema, node.identifier));
    const modelLineage = node.kind === 'model' ? lineage.get(id) : undefined;
    const declaredTypes = node.kind === 'seed' ? node.columnTypes : {};
    const names = [...(built?.map((c) => c.name) ?? modelLineage?.columns.map((c) => c.name) ?? Object.keys(declaredTypes))];
    for (const c of node.columns) if (!names.some((n) => n.toLowerCase() === c.name.toLowerCase())) names.push(c.name);
    const columns = names.map((name): DocsColumn => {
      const lower = name.toLowerCase();
      const declared: ColumnDef | undefined = node.columns.find((c) => c.name.toLowerCase() === lower);
      const type = built?.find((c) => c.name.toLowerCase() === lower)?.type ?? declared?.dataType ?? declaredTypes[name];
      const traced = modelLineage?.columns.find((c) => c.name.toLowerCase() === lower);
      return {
        name,
        ...(type ? { type } : {}),
        description: declared?.description ?? '',
        tests: tests.filter((t) => t.column?.toLowerCase() === lower).map((t) => t.ref),
        ...(traced ? { sources: traced.sources, transform: traced.transform } : node.kind === 'model' ? { sources: [], transform: 'unknown' as const } : {}),
      };
    });
    const lineageNote = modelLineage && (!modelLineage.complete || modelLineage.notes.length) ? modelLineage.notes.join('; ') || 'some columns could not be traced' : undefined;
    nodes.set(id, {
      ...common,
      relation: `${node.schema}.${node.identifier}`,
      config: nodeConfig(node),
      columns,
      ...(node.kind === 'model' ? { compiledSql: node.compiledSql, ...(rawSql.has(node.path) ? { rawSql: rawSql.get(node.path)! } : {}) } : {}),
      ...(lineageNote ? { lineageNote } : {}),
    });
  }
  addUsedBy(nodes);
  const models = [...lineage.values()];
  return {
    schemaVersion: DOCS_SCHEMA_VERSION,
    projectName: graph.projectName,
    generatedAt: inputs.generatedAt.toISOString(),
    revrecVersion: REVREC_VERSION,
    catalog: { origin: catalog.origin, note: catalog.note },
    lineage: {
      method: "DuckDB's parser (json_serialize_sql) on each model's compiled SQL; values only (not WHERE/JOIN/GROUP BY)",
      models: models.length,
      complete: models.filter((m) => m.complete).length,
      partial: models.filter((m) => !m.complete && !m.failed).length,
      failed: models.filter((m) => m.failed).length,
    },
    nodes: Object.fromEntries(nodes),
    order: [...nodes.keys()],
  };
}

/** Columns of downstream models computed from each column; a column only seen in SQL (a source never built) is added. */
function addUsedBy(nodes: Map<string, DocsNode>): void {
  const uses = new Map<string, Map<string, ColumnSource[]>>();
  for (const node of nodes.values()) {
    for (const column of node.columns) {
      for (const source of column.sources ?? []) {
        if (!source.node || !nodes.has(source.node)) continue;
        const byColumn = uses.get(source.node) ?? new Map<string, ColumnSource[]>();
        const key = source.column.toLowerCase();
        byColumn.set(key, [...(byColumn.get(key) ?? []), { node: node.id, relation: node.relation ?? node.name, column: column.name }]);
        uses.set(source.node, byColumn);
      }
    }
  }
  for (const [id, byColumn] of uses) {
    const node = nodes.get(id)!;
    const columns: DocsColumn[] = node.columns.map((c) => ({ ...c, usedBy: byColumn.get(c.name.toLowerCase()) ?? [] }));
    for (const [key, list] of byColumn) {
      if (!columns.some((c) => c.name.toLowerCase() === key)) columns.push({ name: list[0] ? findSourceName(nodes, list[0], id, key) : key, description: '', tests: [], usedBy: list });
    }
    nodes.set(id, { ...node, columns });
  }
}

/** The spelling the reading model used for a column of `target` (sources of unknown columns). */
function findSourceName(nodes: Map<string, DocsNode>, use: ColumnSource, target: string, key: string): string {
  const reader = nodes.get(use.node!);
  const source = reader?.columns.flatMap((c) => c.sources ?? []).find((s) => s.node === target && s.column.toLowerCase() === key);
  return source?.column ?? key;
}

interface AttachedTest {
  readonly ref: DocsTestRef;
  readonly column?: string;
}

function attachTests(graph: CompiledGraph): Map<string, AttachedTest[]> {
  const byNode = new Map<string, AttachedTest[]>();
  for (const node of Object.values(graph.nodes)) {
    if (node.kind !== 'test') continue;
    const column = node.spec?.column ?? (node.spec?.args.column_name as string | undefined);
    const attached: AttachedTest = { ref: testRef(node), ...(column ? { column } : {}) };
    for (const target of node.attachedTo ? [node.attachedTo] : node.dependsOn) byNode.set(target, [...(byNode.get(target) ?? []), attached]);
  }
  for (const list of byNode.values()) list.sort((a, b) => a.ref.id.localeCompare(b.ref.id));
  return byNode;
}

function testRef(node: TestNode): DocsTestRef {
  const kind = node.testType === 'singular' ? 'singular' : (node.spec?.kind ?? 'generic');
  return { id: node.id, kind, label: node.spec ? `${node.spec.kind}${argsText(node.spec.args)}` : node.name, severity: node.severity };
}

function argsText(args: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(args)
    .filter(([key]) => key !== 'column_name')
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  const text = parts.join('; ');
  return text ? ` (${text.length > 120 ? `${text.slice(0, 117)}…` : text})` : '';
}

function testConfig(node: TestNode): Record<string, unknown> {
  return {
    type: node.testType,
    severity: node.severity,
    ...(node.spec ? { test: node.spec.kind, ...(node.spec.column ? { column: node.spec.column } : {}), ...(node.spec.where ? { where: node.spec.where } : {}), arguments: node.spec.args } : {}),
  };
}

function nodeConfig(node: Exclude<GraphNode, TestNode>): Record<string, unknown> {
  switch (node.kind) {
    case 'model': {
      const c = node.config;
      return {
        materialized: c.materialized,
        schema: c.schema,
        ...(c.alias ? { alias: c.alias } : {}),
        ...(c.uniqueKey.length ? { unique_key: c.uniqueKey } : {}),
        ...(c.materialized === 'incremental' ? { incremental_strategy: c.incrementalStrategy, ...(c.fullRefresh === false ? { full_refresh: false } : {}) } : {}),
        enabled: c.enabled,
        ...(c.preHook.length ? { pre_hook: c.preHook } : {}),
        ...(c.postHook.length ? { post_hook: c.postHook } : {}),
      };
    }
    case 'seed':
      return { schema: node.schema, delimiter: node.delimiter, column_types: node.columnTypes };
    case 'source':
      return { source: node.sourceName, table: node.tableName, schema: node.schema, identifier: node.identifier };
    default:
      throw new Error(`Unexpected node kind ${(node as GraphNode).kind}`);
  }
}
