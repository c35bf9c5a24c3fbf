import type { DuckDBConnection } from '@duckdb/node-api';
import type { ModelNode } from '../../src/compile/graph-types.js';

/** One operator of a DuckDB query plan with what it cost. */
export interface OperatorCost {
  readonly operator: string;
  readonly ms: number;
  /** Rows the operator produced. */
  readonly rows: number;
  /** The plan's own description (join type and conditions, aggregates, …), shortened. */
  readonly detail: string;
}

export interface ModelProfile {
  readonly model: string;
  /** Wall time of the profiled SELECT (DuckDB's latency). */
  readonly ms: number;
  readonly cpu_ms: number;
  /** DuckDB's peak buffer memory and temp-directory use during the query. */
  readonly peak_buffer_mb: number;
  readonly peak_temp_mb: number;
  /** The most expensive operators, most expensive first. */
  readonly operators: readonly OperatorCost[];
}

interface PlanNode {
  operator_name?: string;
  operator_type?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: PlanNode[];
  latency?: number;
  cpu_time?: number;
  system_peak_buffer_memory?: number;
  system_peak_temp_dir_size?: number;
}

/**
 * Profiles a model's compiled SELECT with DuckDB's `EXPLAIN ANALYZE` under `PRAGMA enable_profiling = 'json'` (the
 * query runs in full, nothing is written), on a warehouse where its inputs are built, and returns the `top`
 * operators by time. Views are profiled the same way: their cost is paid where they are read.
 */
export async function profileModel(connection: DuckDBConnection, node: ModelNode, top = 5): Promise<ModelProfile> {
  await connection.run("PRAGMA enable_profiling = 'json'");
  let plan: PlanNode;
  try {
    const reader = await connection.runAndReadAll(`EXPLAIN ANALYZE ${node.compiledSql}`);
    plan = JSON.parse(String(reader.getRowsJson()[0]![1])) as PlanNode;
  } finally {
    await connection.run('PRAGMA disable_profiling');
  }
  const operators: OperatorCost[] = [];
  const visit = (n: PlanNode) => {
    if (n.operator_name && n.operator_type !== 'EXPLAIN_ANALYZE') {
      operators.push({ operator: n.operator_name.trim(), ms: round((n.operator_timing ?? 0) * 1000), rows: n.operator_cardinality ?? 0, detail: describe(n.extra_info ?? {}) });
    }
    for (const child of n.children ?? []) visit(child);
  };
  visit(plan);
  const mb = (bytes: number | undefined) => round((bytes ?? 0) / 1024 ** 2);
  return {
    model: node.name,
    ms: round((plan.latency ?? 0) * 1000),
    cpu_ms: round((plan.cpu_time ?? 0) * 1000),
    peak_buffer_mb: mb(plan.system_peak_buffer_memory),
    peak_temp_mb: mb(plan.system_peak_temp_dir_size),
    operators: operators.sort((a, b) => b.ms - a.ms).slice(0, top),
  };
}

/** The plan's extra info as one short line: `Join Type: LEFT; Conditions: a = b; …`. */
function describe(info: Record<string, unknown>): string {
  return Object.entries(info)
    .filter(([key]) => key !== 'Estimated Cardinality')
    .map(([key, value]) => `${key}: ${(Array.isArray(value) ? value.join(', ') : String(value)).replace(/\s+/g, ' ')}`)
    .join('; ')
    .slice(0, 160);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
