import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ModelNode } from '../src/compile/graph-types.js';
import { quoteIdent, relationName } from '../src/compile/node-ids.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { compileRequest, runBuild } from '../src/run/invocation.js';
import { duckdbStorageConfig } from '../src/warehouse/storage-version.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb } from './support/bench-timing.js';
import type { GeneratedProject } from './support/project-generator.js';
import { writeGeneratedProject } from './support/project-generator.js';
import { SilentReporter } from './support/silent-reporter.js';

/**
 * `npm run bench -- engine-overhead --models 200 [--runs 3] [--rows 100]`: a project of N small table models (every
 * fifth reads an earlier one), built by `runBuild` end to end (compile, plan, lock, run history, materialization
 * with the temp-table swap, artifacts) and, in the same process, by running the same compiled SQL straight through
 * `@duckdb/node-api` with the same statements (create schema, drop temp, CREATE TABLE AS, swap transaction).
 * Each side rebuilds an existing warehouse (tables already there, as in daily runs); best of `--runs`.
 * Reports the engine's overhead per model (target < 20 ms beyond the SQL itself) and the ratio.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const models = intFlag(flags, 'models', 200);
  const runs = intFlag(flags, 'runs', 3);
  const rows = intFlag(flags, 'rows', 100);
  const dir = await writeGeneratedProject(tableProject(models, rows), 'revrec-bench-overhead-');
  try {
    const env = { REVREC_BENCH_WAREHOUSE: 'engine.duckdb' };
    const reporter = new SilentReporter();
    const engineTimes: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      await runBuild({ command: 'run', projectDir: dir, env, reporter });
      if (i > 0) engineTimes.push(performance.now() - t0); // run 0 creates the tables
    }
    if (reporter.errors.length || reporter.statuses.get('success') !== models * (runs + 1)) {
      throw new Error(`the engine build did not succeed: ${reporter.errors.slice(0, 3).join('; ')}`);
    }

    const { graph } = await compileRequest({ projectDir: dir, env });
    const plan = buildPlan(graph, { command: 'run' });
    const nodes = plan.steps.map((s) => graph.nodes[s.nodeId] as ModelNode);
    const rawTimes: number[] = [];
    const instance = await DuckDBInstance.create(join(dir, 'raw.duckdb'), { threads: '2', ...duckdbStorageConfig({}) });
    try {
      const connection = await instance.connect();
      try {
        for (let i = 0; i <= runs; i++) {
          const t0 = performance.now();
          for (const node of nodes) {
            const temp = relationName(node.schema, `${node.identifier}__revrec_tmp`);
            await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(node.schema)}`);
            await connection.run(`DROP TABLE IF EXISTS ${temp}`);
            await connection.run(`CREATE TABLE ${temp} AS (\n${node.compiledSql}\n)`);
            await connection.run('BEGIN TRANSACTION');
            await connection.run(`DROP TABLE IF EXISTS ${node.relation}`);
            await connection.run(`ALTER TABLE ${temp} RENAME TO ${quoteIdent(node.identifier)}`);
            await connection.run('COMMIT');
          }
          if (i > 0) rawTimes.push(performance.now() - t0);
        }
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }

    const engine = Math.min(...engineTimes);
    const raw = Math.min(...rawTimes);
    const perModel = (engine - raw) / models;
    say(`project: ${dir} (${models} table models, ${rows} rows each)`);
    say(`runBuild end to end, best of ${runs} rebuilds: ${ms(engine)} ms (${ms(engine / models)} ms/model)`);
    say(`same SQL through @duckdb/node-api:         ${ms(raw)} ms (${ms(raw / models)} ms/model)`);
    say(`engine overhead: ${ms(perModel)} ms/model, ratio ${ms(engine / raw)}x; target < 20 ms/model: ${perModel < 20 ? 'met' : 'MISSED'}`);
    printFigures('engine-overhead', {
      models,
      rows_per_model: rows,
      runs,
      engine_best_ms: ms(engine),
      engine_all_ms: engineTimes.map(ms),
      raw_sql_best_ms: ms(raw),
      raw_sql_all_ms: rawTimes.map(ms),
      overhead_per_model_ms: ms(perModel),
      engine_per_model_ms: ms(engine / models),
      raw_per_model_ms: ms(raw / models),
      ratio: ms(engine / raw),
      models_per_s: Math.round((models / engine) * 1000),
      rows_per_s: Math.round(((models * rows) / engine) * 1000),
      peak_rss_mb: peakRssMb(),
      target_overhead_ms: 20,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** N small table models; every fifth one reads the model five before it, so the DAG has depth. */
function tableProject(models: number, rows: number): GeneratedProject {
  const files: GeneratedProject = {
    'pipeline.yml': 'name: overhead\nwarehouse:\n  path: ${REVREC_BENCH_WAREHOUSE}\n  threads: 2\nmodels:\n  +materialized: table\n',
  };
  for (let i = 0; i < models; i++) {
    const folder = `layer_${Math.floor(i / 50)}`;
    const reads = i >= 5 && i % 5 === 0 ? ` union all select id + ${rows}, amount from {{ref 'm_${i - 5}'}} where id < 10` : '';
    files[`models/${folder}/m_${i}.sql`] = `select i as id, CAST(i * 1.25 AS DECIMAL(18,2)) as amount from range(${rows}) t(i)${reads}\n`;
  }
  return files;
}
