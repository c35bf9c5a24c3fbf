import type { CompiledGraph, GraphNode, TestNode } from '../compile/graph-types.js';
import { messageOf, RevrecError } from '../errors.js';
import type { Plan, PlanStep } from '../plan/plan-types.js';
import type { NodeStatus, Reporter } from '../reporter/reporter.js';
import { materializeModel } from '../warehouse/materializations/model-materializer.js';
import { viewFingerprintBase } from '../warehouse/materializations/view-state.js';
import { loadSeed } from '../warehouse/materializations/seed-materializer.js';
import { faultPoint } from '../testing/fault-points.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { NodeResult } from './run-types.js';
import { runDataTest } from './test-executor.js';

export interface ExecuteOptions {
  readonly reporter: Reporter;
  readonly projectRoot: string;
  readonly failFast?: boolean;
  readonly fullRefresh?: boolean;
  readonly clock?: () => Date;
  /**
   * Called once, before the first data test that runs, with whether every model so far succeeded; may narrow the
   * tests (a daily build's to the lines it recomputed) and returns, per test, the note for its result (none: the
   * test checks every row).
   */
  readonly beforeTests?: (modelsSucceeded: boolean) => Promise<(test: TestNode) => string | undefined>;
}

/**
 * Executes a plan step by step. Each node ends `success`/`error`/`skipped` (tests: `pass`/`fail`/`warn`/`error`);
 * a failed node (or a failed error-severity test in `build`) skips everything that waits for it, while independent
 * nodes go on. `--fail-fast` skips everything after the first failure.
 */
export async function executePlan(wh: Warehouse, graph: CompiledGraph, plan: Plan, options: ExecuteOptions): Promise<NodeResult[]> {
  // the materializers ask whether each model's relation exists; one read of the catalog answers all of them
  return wh.withRelationCache(() => executeSteps(wh, graph, plan, options));
}

async function executeSteps(wh: Warehouse, graph: CompiledGraph, plan: Plan, options: ExecuteOptions): Promise<NodeResult[]> {
  const clock = options.clock ?? (() => new Date());
  const results: NodeResult[] = [];
  const failedOrSkipped = new Map<string, string>(); // node id → the failure that stops its dependents
  let stopAll: string | undefined;
  let testNotes: Promise<(test: TestNode) => string | undefined> | undefined;
  const total = plan.steps.length;
  const viewFingerprintBase = viewBase(graph);
  for (const step of plan.steps) {
    const node = graph.nodes[step.nodeId]!;
    const base = { index: step.index, total, nodeId: step.nodeId, kind: step.kind, name: node.name, action: step.action };
    const blocker = stopAll ?? step.after.map((id) => failedOrSkipped.get(id)).find(Boolean);
    if (blocker) {
      const now = clock().toISOString();
      failedOrSkipped.set(step.nodeId, blocker);
      const message = `skipped because ${blocker} failed`;
      results.push({ unique_id: step.nodeId, kind: step.kind, status: 'skipped', action: step.action, started_at: now, completed_at: now, execution_time_ms: 0, message, skipped_because: blocker });
      options.reporter.nodeFinished({ ...base, status: 'skipped', durationMs: 0, message });
      continue;
    }
    options.reporter.nodeStarted(base);
    const startedAt = clock();
    const t0 = performance.now();
    let status: NodeStatus;
    let message: string;
    let rowsAffected: number | undefined;
    let failures: number | undefined;
    try {
      let testNote: string | undefined;
      if (node.kind === 'test' && options.beforeTests) {
        testNotes ??= options.beforeTests(!results.some((r) => r.kind === 'model' && r.status !== 'success'));
        testNote = (await testNotes)(node);
      }
      const outcome = await executeStep(wh, node, step, options, viewFingerprintBase, testNote);
      ({ status, message } = outcome);
      rowsAffected = outcome.rowsAffected;
      failures = outcome.failures;
    } catch (error) {
      // a failed statement may have left the catalog other than the cache says (a swap rolled back)
      wh.forgetRelations();
      status = 'error';
      const compiled = node.kind === 'model' || node.kind === 'test' ? ` (compiled SQL: target/compiled/${node.kind === 'test' && node.testType === 'generic' ? `data-tests/generic/${node.name}.sql` : node.path})` : '';
      // A RevrecError that knows its file already starts with it (describe()); say the file once.
      const where = error instanceof RevrecError && error.location.file ? '' : `${node.path}: `;
      message = `${where}${messageOf(error)}${compiled}`;
    }
    const durationMs = Math.round((performance.now() - t0) * 100) / 100;
    if (status === 'error' || status === 'fail') {
      failedOrSkipped.set(step.nodeId, step.nodeId);
      if (options.failFast) stopAll = step.nodeId;
    }
    results.push({
      unique_id: step.nodeId,
      kind: step.kind,
      status,
      action: step.action,
      started_at: startedAt.toISOString(),
      completed_at: clock().toISOString(),
      execution_time_ms: durationMs,
      ...(rowsAffected !== undefined ? { rows_affected: rowsAffected } : {}),
      ...(failures !== undefined ? { failures } : {}),
      message,
    });
    options.reporter.nodeFinished({ ...base, status, durationMs, message, ...(rowsAffected !== undefined ? { rowsAffected } : {}), ...(failures !== undefined ? { failures } : {}) });
    faultPoint('build.node');
  }
  return results;
}

async function executeStep(
  wh: Warehouse,
  node: GraphNode,
  step: PlanStep,
  options: ExecuteOptions,
  viewFingerprintBase: string,
  testNote?: string,
): Promise<{ status: NodeStatus; message: string; rowsAffected?: number; failures?: number }> {
  switch (node.kind) {
    case 'seed': {
      const r = await loadSeed(wh, node, options.projectRoot);
      return { status: 'success', message: r.message, rowsAffected: r.rowsAffected };
    }
    case 'model': {
      const r = await materializeModel(wh, node, { fullRefresh: options.fullRefresh ?? false, viewFingerprintBase });
      return { status: 'success', message: r.message, ...(r.rowsAffected !== undefined ? { rowsAffected: r.rowsAffected } : {}) };
    }
    case 'test': {
      const { failures, auditTable } = await runDataTest(wh, node);
      const note = testNote ? ` (${testNote})` : '';
      if (failures === 0) return { status: 'pass', message: `PASS${note}`, failures };
      const where = `${failures} failing row${failures === 1 ? '' : 's'}; see ${auditTable}${note}`;
      return node.severity === 'warn'
        ? { status: 'warn', message: `WARN: ${where}`, failures }
        : { status: 'fail', message: `FAIL: ${where}`, failures };
    }
    case 'source':
      throw new Error(`Unexpected source node ${step.nodeId} in plan`);
    default:
      throw new Error('Unexpected node kind');
  }
}

/** The part of every view's fingerprint the graph decides: the project's state hash and its sources. */
function viewBase(graph: CompiledGraph): string {
  const sources = Object.values(graph.nodes).filter((n) => n.kind === 'source');
  return viewFingerprintBase(String(graph.vars.revrec_state_hash ?? ''), sources);
}
