import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { compileProject } from '../compile/compiler.js';
import type { CompiledGraph, ModelNode, TestNode } from '../compile/graph-types.js';
import { loadProject } from '../project/load-project.js';
import type { Project } from '../project/types.js';
import { buildPlan, formatPlan } from '../plan/build-plan.js';
import type { Command, Plan } from '../plan/plan-types.js';
import type { Reporter } from '../reporter/reporter.js';
import { registerUdfs } from '../udf/index.js';
import { vacuumForBuild } from '../warehouse/vacuum.js';
import { ensureStateTables, runBeforeTestsHooks, runPostBuildHooks } from '../warehouse/state-tables.js';
import type { TestNarrowing } from '../warehouse/state-tables.js';
import { olderFormatNote, wantedStorageVersion } from '../warehouse/storage-version.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { writeCompiledSql, writeManifest, writeRunResults } from './artifacts.js';
import { executePlan } from './execute-plan.js';
import { recordRunEnd, recordRunStart } from './run-history.js';
import { RUN_RESULTS_SCHEMA_VERSION, succeeded } from './run-types.js';
import type { NodeResult, RunResult } from './run-types.js';
import { REVREC_VERSION } from '../version.js';

export interface CompileRequest {
  readonly projectDir: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
}

export interface BuildRequest extends CompileRequest {
  readonly command: Command;
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly fullRefresh?: boolean;
  readonly failFast?: boolean;
  readonly dryRun?: boolean;
  readonly reporter: Reporter;
  readonly invocationId?: string;
  readonly clock?: () => Date;
  /** An already open warehouse (pipeline reuses one); otherwise opened and closed here. */
  readonly warehouse?: Warehouse;
  /** The project already compiled for this request (a close builds twice; compiling costs 0.1–0.2 s each time). */
  readonly compiled?: { readonly project: Project; readonly graph: CompiledGraph };
}

export interface BuildOutcome {
  readonly project: Project;
  readonly graph: CompiledGraph;
  readonly plan: Plan;
  readonly result?: RunResult;
}

/** Load + compile. No database; the only file written is the compiled-template cache in target/ (template-spec-cache.ts). */
export async function compileRequest(request: CompileRequest): Promise<{ project: Project; graph: CompiledGraph }> {
  return compileLoaded(await loadProject(request.projectDir, request.env ?? process.env), request.vars);
}

/** Compiles a project already loaded (a pipeline or a period command reuses it across steps and builds). */
export function compileLoaded(project: Project, vars?: Readonly<Record<string, unknown>>): { project: Project; graph: CompiledGraph } {
  return { project, graph: compileProject(project, { ...(vars ? { vars } : {}) }) };
}

/**
 * `run`, `seed`, `test` and `build`: compile, plan against the warehouse's current state, execute, and write
 * `manifest.json` and `run_results.json`. With `dryRun` the plan is printed and nothing is executed.
 */
export async function runBuild(request: BuildRequest): Promise<BuildOutcome> {
  const clock = request.clock ?? (() => new Date());
  const invocationId = request.invocationId ?? randomUUID();
  const startedAt = clock();
  const { project, graph } = request.compiled ?? (await compileRequest(request));
  const targetDir = resolve(project.root, project.settings.targetPath);
  const writeArtifacts = async () => {
    await writeManifest(targetDir, graph, invocationId, startedAt);
    await writeCompiledSql(targetDir, graph);
  };
  const planOptions = {
    command: request.command,
    ...(request.select ? { select: request.select } : {}),
    ...(request.exclude ? { exclude: request.exclude } : {}),
    fullRefresh: request.fullRefresh ?? false,
  };
  if (request.dryRun) {
    await writeArtifacts();
    const plan = buildPlan(graph, planOptions);
    request.reporter.result(formatPlan(plan), plan);
    return { project, graph, plan };
  }
  const wh = request.warehouse ?? (await Warehouse.open(project.settings.warehouse, { root: project.root, command: `revrec ${request.command}` }));
  try {
    // Only once this process holds the warehouse: one that is locked out must not overwrite the running one's target/.
    await writeArtifacts();
    await ensureStateTables(wh);
    const formatNote = await olderFormatNote(wh, project.settings.warehouse);
    if (formatNote) request.reporter.log('info', formatNote, { storage_version: wantedStorageVersion(project.settings.warehouse) });
    registerUdfs(wh.connection, wh.databaseKey);
    const vacuum = await vacuumForBuild(wh, project.settings.warehouse, { fullRefresh: request.fullRefresh ?? false, incrementalTables: incrementalTables(graph) });
    if (vacuum.compaction) {
      request.reporter.log('info', `compaction run (${vacuum.compaction}): DuckDB's vacuum merges the row groups deletes thinned out`, { compaction: vacuum.compaction });
    }
    const existing = await wh.rows<{ relation: string }>(
      `SELECT '"' || replace(table_schema, '"', '""') || '"."' || replace(table_name, '"', '""') || '"' AS relation FROM information_schema.tables`,
    );
    const plan = buildPlan(graph, { ...planOptions, existingRelations: new Set(existing.map((r) => r.relation)) });
    const args = { select: request.select ?? [], exclude: request.exclude ?? [], full_refresh: request.fullRefresh ?? false, fail_fast: request.failFast ?? false, vars: request.vars ?? {} };
    await recordRunStart(wh, invocationId, request.command, args, startedAt);
    request.reporter.log('info', `Running ${plan.steps.length} step(s) for ${request.command}`, { steps: plan.steps.length });
    const everything = !request.select?.length && !request.exclude?.length;
    const dataTests = dataTestSet(graph);
    const narrowings: TestNarrowing[] = [];
    let results: NodeResult[];
    try {
      results = await executePlan(wh, graph, plan, {
        reporter: request.reporter,
        projectRoot: project.root,
        failFast: request.failFast ?? false,
        fullRefresh: request.fullRefresh ?? false,
        clock,
        beforeTests: async (modelsSucceeded) => {
          const completeBuild = request.command === 'build' && everything && !request.fullRefresh && modelsSucceeded;
          narrowings.push(...(await runBeforeTestsHooks(wh, { completeBuild, testsHash: dataTests.hash })));
          for (const { note } of narrowings) request.reporter.log('info', `data tests reading the slice: ${note}`, { tests_narrowed: true });
          return (test) => narrowings.filter((n) => n.narrows(test.compiledSql)).map((n) => n.note).join('; ') || undefined;
        },
      });
    } finally {
      for (const { undo } of narrowings) await undo();
    }
    const finishedAt = clock();
    const result: RunResult = {
      metadata: { schema_version: RUN_RESULTS_SCHEMA_VERSION, invocation_id: invocationId, command: request.command, generated_at: finishedAt.toISOString(), revrec_version: REVREC_VERSION },
      args,
      elapsed_time_ms: finishedAt.getTime() - startedAt.getTime(),
      results,
    };
    const complete =
      (request.command === 'run' || request.command === 'build') && everything && results.every((r) => r.kind !== 'model' || r.status === 'success');
    // Every data test of the project ran in this complete build and passed: the next daily build may check only what
    // it recomputes (src/periods/test-slice.ts).
    const tests = results.filter((r) => r.kind === 'test');
    const testsPassed = request.command === 'build' && complete && tests.length === dataTests.count && tests.every((r) => r.status === 'pass');
    if (complete || results.some((r) => r.kind === 'model' && r.status !== 'skipped')) {
      await runPostBuildHooks(wh, { complete, fullRefresh: request.fullRefresh ?? false, testsPassedHash: testsPassed ? dataTests.hash : null });
    }
    await recordRunEnd(wh, invocationId, succeeded(result) ? 'success' : 'error', result, finishedAt);
    await vacuum.finish();
    await writeRunResults(targetDir, result);
    return { project, graph, plan, result };
  } finally {
    if (!request.warehouse) wh.close();
  }
}

/** How many data tests the project has, and their hash by id and compiled SQL (a new, removed or edited test changes it). */
export function dataTestSet(graph: CompiledGraph): { count: number; hash: string } {
  const tests = Object.values(graph.nodes)
    .filter((node): node is TestNode => node.kind === 'test')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const hash = createHash('sha256');
  for (const node of tests) hash.update(`${node.id}\0${node.compiledSql}\0`);
  return { count: tests.length, hash: hash.digest('hex').slice(0, 16) };
}

/** The tables of the project's incremental models (their deletes count towards a compaction, src/warehouse/vacuum.ts). */
function incrementalTables(graph: CompiledGraph): { schema: string; name: string }[] {
  return Object.values(graph.nodes)
    .filter((node): node is ModelNode => node.kind === 'model' && node.config.materialized === 'incremental')
    .map((node) => ({ schema: node.schema, name: node.identifier }));
}
