import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import '../src/cli/register-layers.js';
import type { ModelNode } from '../src/compile/graph-types.js';
import { quoteIdent } from '../src/compile/node-ids.js';
import { loadProject } from '../src/project/load-project.js';
import { runBuild } from '../src/run/invocation.js';
import type { BuildOutcome } from '../src/run/invocation.js';
import { generateCompany } from '../src/sample/index.js';
import { registerUdfs } from '../src/udf/index.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { openBare } from './support/bare-sql.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb, ratio } from './support/bench-timing.js';
import { assertBuilt, landInbox } from './support/bench-warehouse.js';
import { SilentReporter } from './support/silent-reporter.js';

const PROJECT = resolve(fileURLToPath(import.meta.url), '../..');
const SCRATCH = 'bench_writes';

interface ModelWrite {
  readonly model: string;
  readonly rows: number;
  /** The model's time in the engine's build. */
  readonly engine_ms: number;
  /** Its compiled SELECT into a TEMP table: computed and held in memory, nothing compressed or written to the file; best of two. */
  readonly compute_ms: number;
  /** The same SELECT as `CREATE TABLE … AS` into the warehouse file, best of two. */
  readonly written_ms: number;
}

interface ColumnWrite {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly ms: number;
}

/**
 * `npm run bench -- writes --lines 1000000 [--tables 5] [--dir /big/tmp] [--keep]`: how much of a full build is DuckDB writing the tables.
 *
 * Generates a company of N order lines over 12 months (as `e2e` does), lands and builds it with the engine, then, on
 * that warehouse, runs every table model's compiled SELECT twice: as `CREATE TEMP TABLE … AS` (DuckDB keeps a temp
 * table in memory, uncompressed: the query's cost with nothing written) and as `CREATE TABLE … AS` into the same file,
 * as a build writes it. The difference is the cost of writing (DuckDB's compression and the blocks). Then, for the
 * `--tables` tables whose writing costs most, each column is written alone, so the costly kinds of column show.
 * Views are left out: they are written as a definition only.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const lines = intFlag(flags, 'lines', 1_000_000);
  const months = intFlag(flags, 'months', 12);
  const topTables = intFlag(flags, 'tables', 5);
  const dir = await mkdtemp(join(flags.dir ?? tmpdir(), 'revrec-bench-writes-'));
  try {
    say(`writes: ${lines.toLocaleString('en-US')} order lines over ${months} months, in ${dir}`);
    const summary = await generateCompany({ outDir: join(dir, 'inbox'), orderLines: lines, badRows: false, months, firstPeriod: '202401', writeSummary: false });
    // The project reads these when it loads (pipeline.yml interpolates them); the last month is the current period.
    Object.assign(process.env, {
      REVREC_WAREHOUSE: join(dir, 'revrec.duckdb'),
      REVREC_TEMP_DIR: join(dir, 'tmp'),
      REVREC_FIRST_PERIOD: summary.window.lastPeriod,
      REVREC_NOW: new Date(Date.parse(`${summary.window.lastDate}T06:00:00Z`) + 86_400_000).toISOString(),
    });
    const project = await loadProject(PROJECT);
    const reporter = new SilentReporter();
    const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'bench writes' });
    let build: BuildOutcome;
    try {
      await landInbox(wh, join(dir, 'inbox'), reporter);
      const t0 = performance.now();
      build = await runBuild({ command: 'build', projectDir: PROJECT, reporter, warehouse: wh });
      say(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      wh.close();
    }
    assertBuilt(build);

    // The table models in build order, with the engine's time for each.
    const tables = build.result!.results.flatMap((r) => {
      const node = build.graph.nodes[r.unique_id];
      return node?.kind === 'model' && node.config.materialized !== 'view' && node.config.materialized !== 'ephemeral' ? [{ node, engineMs: r.execution_time_ms }] : [];
    });
    const bare = await openBare(join(dir, 'revrec.duckdb'), project.settings.warehouse, join(dir, 'tmp'));
    registerUdfs(bare.connection, bare.instance);
    const models: ModelWrite[] = [];
    const columns: ColumnWrite[] = [];
    try {
      await bare.connection.run(`CREATE SCHEMA IF NOT EXISTS ${SCRATCH}`);
      for (const { node, engineMs } of tables) models.push(await measureModel(bare.connection, node, engineMs));
      const costliest = [...models].sort((a, b) => b.written_ms - b.compute_ms - (a.written_ms - a.compute_ms)).slice(0, topTables);
      for (const m of costliest) columns.push(...(await measureColumns(bare.connection, tables.find((t) => t.node.name === m.model)!.node)));
    } finally {
      bare.close();
    }

    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const compute = sum(models.map((m) => m.compute_ms));
    const written = sum(models.map((m) => m.written_ms));
    const engine = sum(models.map((m) => m.engine_ms));
    say('');
    say(`  ${'model'.padEnd(30)} ${'rows'.padStart(11)} ${'engine'.padStart(8)} ${'compute'.padStart(8)} ${'written'.padStart(8)}  writing`);
    for (const m of [...models].sort((a, b) => b.written_ms - a.written_ms)) {
      if (m.written_ms < 100) continue;
      say(`  ${m.model.padEnd(30)} ${m.rows.toLocaleString('en-US').padStart(11)} ${sec(m.engine_ms)} ${sec(m.compute_ms)} ${sec(m.written_ms)}  ${share(m.written_ms - m.compute_ms, m.written_ms)}`);
    }
    say(`  ${'all table models'.padEnd(30)} ${''.padStart(11)} ${sec(engine)} ${sec(compute)} ${sec(written)}  ${share(written - compute, written)}`);
    const byType = new Map<string, number>();
    for (const c of columns) byType.set(c.type, (byType.get(c.type) ?? 0) + c.ms);
    const columnTotal = sum(columns.map((c) => c.ms));
    say('');
    say(`  each column written alone, in the ${topTables} tables whose writing costs most: ${[...byType].sort((a, b) => b[1] - a[1]).map(([t, v]) => `${t} ${share(v, columnTotal)}`).join(', ')}`);
    for (const c of [...columns].sort((a, b) => b.ms - a.ms).slice(0, 10)) say(`  ${sec(c.ms)}  ${c.table}.${c.column} (${c.type})`);
    printFigures('writes', {
      lines,
      months,
      table_models: models.length,
      engine_ms: ms(engine),
      compute_ms: ms(compute),
      written_ms: ms(written),
      // the share of writing in the written SELECTs: (written - compute) / written
      writing_share: Math.round(((written - compute) / written) * 1000) / 1000,
      written_to_compute_ratio: ratio(written, compute),
      models,
      column_ms_by_type: Object.fromEntries([...byType].map(([t, v]) => [t, ms(v)])),
      costliest_columns: [...columns].sort((a, b) => b.ms - a.ms).slice(0, 20),
      peak_rss_mb: peakRssMb(),
    });
  } finally {
    if (!flags.keep) await rm(dir, { recursive: true, force: true });
  }
}

/** One table model: its SELECT held in memory, and written into the file, best of two each, alternating. */
async function measureModel(connection: DuckDBConnection, node: ModelNode, engineMs: number): Promise<ModelWrite> {
  const target = `${SCRATCH}.${quoteIdent(node.identifier)}`;
  const timed = async (sql: string) => {
    const t0 = performance.now();
    await connection.run(sql);
    return performance.now() - t0;
  };
  let compute = Infinity;
  let written = Infinity;
  for (let i = 0; i < 2; i++) {
    compute = Math.min(compute, await timed(`CREATE OR REPLACE TEMP TABLE bench_writes_in_memory AS (\n${node.compiledSql}\n)`));
    await connection.run('DROP TABLE bench_writes_in_memory');
    written = Math.min(written, await timed(`CREATE OR REPLACE TABLE ${target} AS (\n${node.compiledSql}\n)`));
  }
  const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${target}`)).getRowsJson()[0]![0]);
  await connection.run(`DROP TABLE ${target}`);
  return { model: node.name, rows, engine_ms: ms(engineMs), compute_ms: ms(compute), written_ms: ms(written) };
}

/** Each column of a model's table written alone (`CREATE TABLE … AS SELECT column FROM table`), best of two. */
async function measureColumns(connection: DuckDBConnection, node: ModelNode): Promise<ColumnWrite[]> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${node.relation}`)).getRowsJson() as string[][];
  const out: ColumnWrite[] = [];
  for (const [column, type] of described) {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await connection.run(`CREATE OR REPLACE TABLE ${SCRATCH}.one_column AS SELECT ${quoteIdent(column!)} FROM ${node.relation}`);
      best = Math.min(best, performance.now() - t0);
    }
    out.push({ table: node.name, column: column!, type: type!.startsWith('ENUM') ? 'ENUM' : type!, ms: ms(best) });
  }
  await connection.run(`DROP TABLE IF EXISTS ${SCRATCH}.one_column`);
  return out;
}

function sec(value: number): string {
  return `${(value / 1000).toFixed(2)} s`.padStart(8);
}

function share(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}
