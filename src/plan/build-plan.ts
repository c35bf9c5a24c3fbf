import type { CompiledGraph, GraphNode } from '../compile/graph-types.js';
import { topologicalOrder } from '../compile/dag.js';
import { selectNodes } from '../compile/selection.js';
import { PLAN_SCHEMA_VERSION } from './plan-types.js';
import type { Command, Plan, PlanStep, StepAction } from './plan-types.js';

export interface PlanOptions {
  readonly command: Command;
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly fullRefresh?: boolean;
  /** Relations that exist in the warehouse now (`"schema"."name"`), to tell incremental runs from first builds. */
  readonly existingRelations?: ReadonlySet<string>;
}

const KINDS: Record<Command, GraphNode['kind'][]> = {
  run: ['model'],
  seed: ['seed'],
  test: ['test'],
  build: ['seed', 'model', 'test'],
};

/**
 * Compiled graph + selection + warehouse state → ordered steps. In `build`, a node's dependents also wait for the
 * data tests on that node (dbt build semantics), so a failing test stops bad data from flowing downstream.
 */
export function buildPlan(graph: CompiledGraph, options: PlanOptions): Plan {
  const fullRefresh = options.fullRefresh ?? false;
  const selected = selectNodes(graph, {
    ...(options.select ? { select: options.select } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    kinds: KINDS[options.command],
  }).filter((id) => {
    const node = graph.nodes[id]!;
    return !(node.kind === 'model' && node.config.materialized === 'ephemeral');
  });
  const planned = new Set(selected);
  const after = new Map<string, Set<string>>(selected.map((id) => [id, new Set<string>()]));
  for (const id of selected) {
    for (const parent of upstreamPlanned(graph, id, planned)) after.get(id)!.add(parent);
  }
  if (options.command === 'build') {
    const memo = new Map<string, Set<string>>();
    const ancestorsOf = (id: string) => ancestors(graph, id, memo);
    for (const testId of selected) {
      const test = graph.nodes[testId]!;
      if (test.kind !== 'test') continue;
      // dbt's rule: a test holds back a child of what it tests only when that child reads everything the test reads.
      // A test reading several nodes (relationships) would otherwise hold back a node it waits for itself, directly
      // (orders → its relationships test to customers → orders) or through other tests: a cycle.
      for (const parent of test.dependsOn) {
        for (const child of graph.children[parent] ?? []) {
          if (child === testId || !planned.has(child) || graph.nodes[child]!.kind === 'test') continue;
          if (test.dependsOn.length > 1 && !test.dependsOn.every((p) => ancestorsOf(child).has(p))) continue;
          after.get(child)!.add(testId);
        }
      }
    }
  }
  const { order } = topologicalOrder(selected, (id) => [...after.get(id)!], (id) => graph.nodes[id]!.path);
  const steps: PlanStep[] = order.map((id, i) => {
    const node = graph.nodes[id]!;
    return {
      index: i + 1,
      nodeId: id,
      kind: node.kind as PlanStep['kind'],
      name: node.name,
      action: actionFor(node, fullRefresh, options.existingRelations),
      target: node.kind === 'test' ? (node.attachedTo ?? node.dependsOn.join(', ')) : 'relation' in node ? node.relation : id,
      after: [...after.get(id)!].sort(),
    };
  });
  return { schemaVersion: PLAN_SCHEMA_VERSION, command: options.command, fullRefresh, steps };
}

/**
 * Planned nodes this one depends on, looking through unplanned and ephemeral nodes in between, so selection never
 * breaks the order of what does run.
 */
function upstreamPlanned(graph: CompiledGraph, id: string, planned: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...graph.nodes[id]!.dependsOn];
  const seen = new Set<string>();
  while (stack.length) {
    const parent = stack.pop()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    if (planned.has(parent)) out.add(parent);
    else if (graph.nodes[parent]) stack.push(...graph.nodes[parent]!.dependsOn);
  }
  return out;
}

/** Every node `id` reads, directly or not (memoised: the graph is a DAG). */
function ancestors(graph: CompiledGraph, id: string, memo: Map<string, Set<string>>): Set<string> {
  const known = memo.get(id);
  if (known) return known;
  const out = new Set<string>();
  for (const parent of graph.nodes[id]!.dependsOn) {
    if (!graph.nodes[parent]) continue;
    out.add(parent);
    for (const above of ancestors(graph, parent, memo)) out.add(above);
  }
  memo.set(id, out);
  return out;
}

function actionFor(node: GraphNode, fullRefresh: boolean, existing: ReadonlySet<string> | undefined): StepAction {
  switch (node.kind) {
    case 'seed':
      return 'load seed';
    case 'test':
      return 'run test';
    case 'model': {
      const m = node.config.materialized;
      if (m === 'view') return 'create view';
      if (m === 'table') return 'build table';
      if (m === 'incremental') {
        if (fullRefresh && node.config.fullRefresh !== false) return 'full refresh incremental';
        if (existing && !existing.has(node.relation)) return 'create incremental';
        return `incremental ${node.config.incrementalStrategy}`;
      }
      throw new Error(`Unexpected materialization ${m} in plan`);
    }
    case 'source':
      throw new Error('Unexpected source node in plan');
    default:
      throw new Error(`Unexpected node kind`);
  }
}

/** Human form of a plan for `--dry-run`. */
export function formatPlan(plan: Plan): string {
  const width = String(plan.steps.length).length;
  const lines = plan.steps.map((s) => `${String(s.index).padStart(width)}. ${s.action.padEnd(26)} ${s.kind === 'test' ? s.name : s.target}`);
  return [`Plan for ${plan.command}${plan.fullRefresh ? ' --full-refresh' : ''}: ${plan.steps.length} step(s)`, ...lines].join('\n');
}
