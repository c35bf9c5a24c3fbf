import type { NodeStatus } from '../reporter/reporter.js';

export const RUN_RESULTS_SCHEMA_VERSION = 'revrec/run-results/v1';

export interface NodeResult {
  readonly unique_id: string;
  readonly kind: 'seed' | 'model' | 'test';
  readonly status: NodeStatus;
  readonly action: string;
  readonly started_at: string;
  readonly completed_at: string;
  readonly execution_time_ms: number;
  readonly rows_affected?: number;
  /** Tests: number of failing rows (stored in the audit schema). */
  readonly failures?: number;
  readonly message: string;
  /** Skipped nodes: the failed node that caused the skip. */
  readonly skipped_because?: string;
}

/** `target/run_results.json`: one result per planned node. */
export interface RunResult {
  readonly metadata: {
    readonly schema_version: typeof RUN_RESULTS_SCHEMA_VERSION;
    readonly invocation_id: string;
    readonly command: string;
    readonly generated_at: string;
    readonly revrec_version: string;
  };
  readonly args: Readonly<Record<string, unknown>>;
  readonly elapsed_time_ms: number;
  readonly results: readonly NodeResult[];
}

/** True when nothing failed (warnings allowed). */
export function succeeded(result: RunResult): boolean {
  return result.results.every((r) => r.status !== 'error' && r.status !== 'fail');
}

export function countByStatus(result: RunResult): Record<NodeStatus, number> {
  const counts: Record<NodeStatus, number> = { success: 0, error: 0, skipped: 0, pass: 0, fail: 0, warn: 0 };
  for (const r of result.results) counts[r.status]++;
  return counts;
}
