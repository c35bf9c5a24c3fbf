import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import '../src/cli/register-layers.js';
import '../src/export/pipeline-export-step.js';
import { systemClock } from '../src/clock.js';
import { readExportConfig } from '../src/export/export-config.js';
import { CLOSE_CHECK_QUERIES } from '../src/periods/close-checks.js';
import { closePeriod } from '../src/periods/period-service.js';
import { runPipeline } from '../src/pipeline/pipeline-service.js';
import { PIPELINE_STEPS } from '../src/pipeline/pipeline-steps.js';
import type { ModelNode } from '../src/compile/graph-types.js';
import { loadProject } from '../src/project/load-project.js';
import { compileRequest } from '../src/run/invocation.js';
import { generateCompany } from '../src/sample/index.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { bareBuild, bareBuildAfterClose, bareCloseChecks, bareExport, bareExtract, bareFreeze, barePublish, bareTests, openBare, prepareBareWarehouse, reopenBare } from './support/bare-sql.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb, ratio, round2 } from './support/bench-timing.js';
import { profileModel } from './support/model-profiler.js';
import { summarizeRuns } from './support/repeat-summary.js';
import type { StepTimes } from './support/repeat-summary.js';
import type { ModelProfile } from './support/model-profiler.js';
import { ResourceSampler } from './support/resource-sampler.js';
import { SqlProbe, probedSql } from './support/sql-probe.js';
import { TimelineReporter } from './support/timeline-reporter.js';
import { duckdbMemoryLimit, parseMemorySize } from '../src/warehouse/memory-budget.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PROJECT = resolve(HERE, '..');
/** Steps as reported: the four of `revrec pipeline`, the close, and the close's four phases. */
const STEPS = ['extract', 'build', 'export', 'publish', 'close', 'close_check', 'close_freeze', 'close_rebuild', 'close_export'] as const;
type Step = (typeof STEPS)[number];
/** The steps that add up to the total (the close phases are inside `close`). */
const TOP_STEPS: readonly Step[] = ['extract', 'build', 'export', 'publish', 'close'];
const TARGET_RATIO = 1.3;
const TARGET_1M_MS = 60_000;
const TARGET_RSS_MB = 4096;

interface StepFigures {
  ms: number;
  bare_ms: number;
  ratio: number;
  /** Time DuckDB spent on the engine's statements in the step (the rest is the engine's own work). */
  sql_ms: number;
  /** Process CPU time (every thread), engine and bare: steadier than wall time when other jobs share the machine. */
  cpu_ms: number;
  /** The kernel's part of `cpu_ms` (page faults, I/O, memory handed back). */
  sys_cpu_ms: number;
  /** Node's garbage-collection pauses in the step (the bench's process holds the whole pipeline's logs). */
  gc_ms: number;
  bare_cpu_ms: number;
  cpu_ratio: number;
  lines_per_s: number;
  peak_rss_mb: number;
  temp_peak_mb: number;
}

/**
 * `npm run bench -- e2e --orders 1000000 [--months 12] [--dir /big/tmp] [--keep]`, or `--curve 100000,1000000,…`
 * (each size in its own process, then the growth between sizes), or `--orders 1000000 --repeat 3` (the same size in
 * three processes, then per step the medians and the median of the runs' ratios).
 *
 * A company of N order lines (`generateCompany`: invoices, credit memos, commissions, rates, four currencies, no bad
 * rows) over `--months` months is put in an inbox, and the whole pipeline runs as a user runs it, through the APIs
 * the CLI calls, on a temp warehouse with `REVREC_NOW` pinned to the day after the data and the first period = the
 * data's last month (so every order is in the books and one close exports everything): `runPipeline` (extract,
 * build, export = the first continuous export, publish), then `closePeriod` (build + close checks, freeze, rebuild,
 * close-period export). Per step: time, rows/s, peak RSS (Node + DuckDB) and DuckDB's temp files (spill), and in the
 * same run the same work as bare DuckDB SQL on the same data (`support/bare-sql.ts`), as a ratio. Targets: 1M
 * lines under 60 s, peak RSS under 4 GiB, every step within 1.3× of the bare SQL.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.curve) return curve(flags);
  if (flags.repeat) return repeat(flags);
  printFigures('e2e', await runOnce(flags));
}

async function runOnce(flags: Record<string, string>): Promise<Record<string, unknown>> {
  const orders = intFlag(flags, 'orders', 1_000_000);
  const months = intFlag(flags, 'months', 12);
  const firstDataPeriod = flags['first-period'] ?? '202401';
  const dir = await mkdtemp(join(flags.dir ?? tmpdir(), 'revrec-bench-e2e-'));
  const inbox = join(dir, 'inbox');
  const loads: Record<string, number[]> = { start: loadNow() };
  try {
    say(`e2e: ${orders.toLocaleString('en-US')} order lines over ${months} months from ${firstDataPeriod}, in ${dir}; commit ${gitState()}; ${uptime()}`);
    let t0 = performance.now();
    const summary = await generateCompany({ outDir: inbox, orderLines: orders, badRows: false, months, firstPeriod: firstDataPeriod, writeSummary: false });
    const generateMs = performance.now() - t0;
    const files = summary.files.map((f) => join(inbox, f.name));
    const inputRows = summary.files.reduce((sum, f) => sum + f.rows, 0);
    const period = Number(summary.window.lastPeriod);
    const now = new Date(Date.parse(`${summary.window.lastDate}T06:00:00Z`) + 86_400_000).toISOString();
    say(`generated ${summary.files.map((f) => `${f.name} ${f.rows.toLocaleString('en-US')}`).join(', ')} in ${(generateMs / 1000).toFixed(1)} s`);

    // The project reads these when it loads (pipeline.yml and sources/raw.yml interpolate them).
    Object.assign(process.env, {
      REVREC_WAREHOUSE: join(dir, 'warehouse', 'revrec.duckdb'),
      REVREC_INBOX: inbox,
      REVREC_OUTBOX: join(dir, 'outbox'),
      REVREC_FIRST_PERIOD: String(period),
      REVREC_PUBLISH_PATH: join(dir, 'published', 'revrec-published.duckdb'),
      REVREC_TEMP_DIR: join(dir, 'tmp'),
      REVREC_NOW: now,
    });
    const project = await loadProject(PROJECT);
    const settings = project.settings.warehouse;
    const exportConfig = readExportConfig(project.settings.sections, project.root);
    const tempDir = resolve(project.root, settings.tempDirectory ?? join(dir, 'tmp'));
    say(`warehouse: threads ${settings.threads ?? 'default'}, memory_limit ${settings.memoryLimit ? `${settings.memoryLimit} (DuckDB ${duckdbMemoryLimit(settings.memoryLimit)})` : 'default'}, temp_directory ${tempDir}; REVREC_NOW ${now}; first period ${period}`);

    // The pipeline and the close, as `revrec pipeline` and `revrec period close` run them.
    const reporter = new TimelineReporter();
    const probe = new SqlProbe(Boolean(flags.trace)).install();
    const sampler = new ResourceSampler(tempDir).start();
    probe.enabled = true;
    const tPipeline = performance.now();
    const pipeline = await runPipeline({ projectDir: PROJECT, steps: [...PIPELINE_STEPS], reporter, clock: systemClock });
    const tClose = performance.now();
    const cpuAtClose = process.cpuUsage();
    if (pipeline.exitCode !== 0) throw new Error(`the pipeline failed: ${pipeline.steps.map((s) => `${s.step} ${s.status} (${s.message})`).join('; ')}\n${reporter.errors.slice(0, 5).join('\n')}`);
    say(`pipeline: ${pipeline.steps.map((s) => `${s.step} ${s.status} (${s.message})`).join('; ')}`);
    const close = await closePeriod({ projectDir: PROJECT, reporter, clock: systemClock });
    const tEnd = performance.now();
    const cpuAtEnd = process.cpuUsage();
    probe.enabled = false;
    sampler.stop();
    const pipelinePeakRss = peakRssMb();
    loads.after_pipeline = loadNow();
    if (!close.closed) throw new Error(`period ${period} was not closed: ${close.reasons.join('; ')}`);
    if (close.export?.status !== 'delivered') throw new Error(`the close-period export did not deliver: ${close.export?.status} ${close.export?.error?.message ?? ''}`);
    say(`closed ${period}${close.builtForChecks ? '' : close.testsReused ? ' (warehouse current, its data tests passed at the build: none ran before the checks)' : ' (warehouse current: data tests only before the checks)'}: ${close.linesFrozen.toLocaleString('en-US')} line rows frozen, ${close.export.files} file(s) exported; ${uptime()}`);

    // Windows [start, end) of every step on the performance.now() clock.
    const windows = new Map<Step, [number, number]>();
    for (const step of pipeline.steps) {
      const end = reporter.logsMatching(new RegExp(`^step ${step.step}: `), tPipeline, tClose)[0]?.t;
      if (end === undefined) throw new Error(`no end of step ${step.step} in the log`);
      windows.set(step.step as Step, [end - step.durationMs, end]);
    }
    const settingsCheck = probe.statements.filter((s) => s.start >= tClose && /^SELECT current_period FROM intermediate\.int_settings$/.test(s.sql));
    const insertClose = probe.first(/^INSERT INTO meta\.period_closes/, tClose);
    const freezeStart = settingsCheck.filter((s) => insertClose && s.start < insertClose.start).pop();
    const freezeEnd = insertClose && probe.first(/^COMMIT$/, insertClose.start);
    const exportStart = freezeEnd && probe.first(/^SELECT count\(\*\) FROM meta\.period_closes WHERE actg_period/, freezeEnd.end);
    if (!freezeStart || !freezeEnd || !exportStart) throw new Error('could not find the freeze and the export among the close statements');
    windows.set('close', [tClose, tEnd]);
    windows.set('close_check', [tClose, freezeStart.start]);
    windows.set('close_freeze', [freezeStart.start, freezeEnd.end]);
    windows.set('close_rebuild', [freezeEnd.end, exportStart.start]);
    windows.set('close_export', [exportStart.start, tEnd]);
    // The close's phases are short (the checks: about half a second): their CPU time is read at their boundaries.
    for (const [t, usage] of [[tClose, cpuAtClose], [freezeStart.start, freezeStart.cpuStart], [freezeEnd.end, freezeEnd.cpuEnd], [exportStart.start, exportStart.cpuStart], [tEnd, cpuAtEnd]] as const) {
      sampler.reading(t, usage);
    }
    // The checks' window: the close's start (reading pipeline.yml, opening the warehouse) until the first
    // reconciliation query (close-checks.ts) starts, then the queries, which the bare side also runs. Since stop 31
    // they start before the compile and the freshness check, which run beside them; until then they came after.
    const checkQueries = new Set(CLOSE_CHECK_QUERIES.map(probedSql));
    const firstCheck = probe.statements.find((st) => st.start >= tClose && checkQueries.has(st.sql));
    const checkLeadMs = firstCheck && firstCheck.start < freezeStart.start ? firstCheck.start - tClose : null;

    // What the engine wrote, to check the bare SQL writes the same rows.
    const engineRows = await exportedRows(settings, project.root);

    // The same work as bare SQL, in the same process, after the engine (its peak RSS is read above).
    say(`bare DuckDB SQL on the same data …`);
    const bareMs = {} as Record<Step, number>;
    const bareCpuMs = {} as Record<Step, number>;
    const bareTemp = join(dir, 'tmp-bare');
    const extractDb = await openBare(join(dir, 'bare-extract.duckdb'), settings, bareTemp);
    let bareLanded: { rows: number; ms: Record<string, number> };
    try {
      t0 = performance.now();
      const c0 = process.cpuUsage();
      bareLanded = await bareExtract(extractDb, files);
      bareMs.extract = performance.now() - t0;
      bareCpuMs.extract = cpuMsSince(c0);
    } finally {
      extractDb.close();
      await rm(join(dir, 'bare-extract.duckdb'), { force: true });
    }
    const { graph } = await compileRequest({ projectDir: PROJECT });
    let bare = await openBare(join(dir, 'bare.duckdb'), settings, bareTemp);
    let bareCheckWarmMs: number | null = null;
    const bareModelMs: Record<string, number>[] = [];
    let bareContinuousRows: Record<string, number>;
    let bareCopyOnlyMs = 0;
    let bareCloseRows: Record<string, number>;
    // The bare side's hashing of its files (the manifests' SHA-256 and size), per export step (since stop 29)
    const bareHashMs = { export: 0, close_export: 0 };
    let profiles: ModelProfile[] = [];
    try {
      await prepareBareWarehouse(bare, resolve(project.root, settings.path), graph);
      const timed = async <T>(step: Step, fn: () => Promise<T>): Promise<T> => {
        const start = performance.now();
        const c0 = process.cpuUsage();
        const value = await fn();
        bareMs[step] = performance.now() - start;
        bareCpuMs[step] = cpuMsSince(c0);
        return value;
      };
      bareModelMs.push(await timed('build', () => bareBuild(bare, graph)));
      // The first continuous export sends everything and remembers what it sent (the state the next run compares
      // with): bare, each type as a table, copied to its files from there. The COPYs alone are reported beside it.
      await timed('export', () => bareExport(bare, join(dir, 'bare-continuous-copy-only'), exportConfig.continuous.formats, { currentPeriod: period }));
      bareCopyOnlyMs = bareMs.export;
      bareContinuousRows = await timed('export', async () => {
        const sent = await bareExport(bare, join(dir, 'bare-continuous'), exportConfig.continuous.formats, { currentPeriod: period, rememberSent: true, controlTotals: true, checksums: true });
        bareHashMs.export = sent.hashMs;
        return sent.rows;
      });
      await timed('publish', () => barePublish(bare, join(dir, 'bare-published.duckdb')));
      // `revrec period close` is a command of its own: it opens the warehouse with DuckDB's buffers empty. So does the
      // bare close: it opens the bare warehouse again, timed with its checks, and runs the rest of the close there.
      // Stops 17–27 ran the bare close on in the instance that had just built the tables; the checks' queries are
      // still timed there first (close_check_warm_bare_ms), for comparison with those stops.
      if (!close.builtForChecks) {
        const start = performance.now();
        if (!close.testsReused) await bareTests(bare, graph);
        await bareCloseChecks(bare);
        bareCheckWarmMs = performance.now() - start;
      }
      bare.close(); // as the engine's pipeline closes its warehouse when it ends: not part of the close
      // The close builds before its checks only when the warehouse is not current; otherwise it runs the data tests,
      // unless the build it holds passed them all (testsReused). Then the reconciliation queries (close-checks.ts).
      const checkBuildMs = await timed('close_check', async () => {
        bare = await reopenBare(bare, settings, bareTemp);
        const times = close.builtForChecks ? await bareBuild(bare, graph) : undefined;
        if (!close.testsReused) await bareTests(bare, graph);
        await bareCloseChecks(bare);
        return times;
      });
      if (checkBuildMs) bareModelMs.push(checkBuildMs);
      await timed('close_freeze', () => bareFreeze(bare, period));
      bareModelMs.push(await timed('close_rebuild', () => bareBuildAfterClose(bare, graph)));
      // `revrec period close` ends by closing the warehouse, whose checkpoint makes the close durable (with the close's
      // compaction, src/warehouse/vacuum.ts); the bare side's CHECKPOINT is the same step, timed with the export as the
      // engine's is.
      bareCloseRows = await timed('close_export', async () => {
        const sent = await bareExport(bare, join(dir, 'bare-close'), exportConfig.closePeriod.formats, { period, currentPeriod: period + 1, controlTotals: true, checksums: true });
        bareHashMs.close_export = sent.hashMs;
        await bare.connection.run('CHECKPOINT');
        return sent.rows;
      });
      if (flags.profile) {
        // The slowest models of the pipeline build, profiled on the bare warehouse (state: after the close's rebuild).
        const slowest = modelComparison(reporter, windows.get('build')!, {}).slice(0, intFlag(flags, 'profile', 5));
        for (const m of slowest) profiles.push(await profileModel(bare.connection, Object.values(graph.nodes).find((n) => n.kind === 'model' && n.name === m.model) as ModelNode));
      }
      bareMs.close = bareMs.close_check + bareMs.close_freeze + bareMs.close_rebuild + bareMs.close_export;
      bareCpuMs.close = bareCpuMs.close_check + bareCpuMs.close_freeze + bareCpuMs.close_rebuild + bareCpuMs.close_export;
    } finally {
      bare.close();
    }
    loads.end = loadNow();
    const sameRows = compareRows(engineRows, { continuous: bareContinuousRows, close_period: bareCloseRows });

    // Figures per step.
    const steps = {} as Record<Step, StepFigures>;
    for (const step of STEPS) {
      const [from, to] = windows.get(step)!;
      const elapsed = to - from;
      const peak = sampler.peakBetween(from, to);
      const cpu = sampler.cpuMsBetween(from, to);
      steps[step] = {
        ms: ms(elapsed),
        bare_ms: ms(bareMs[step]),
        ratio: ratio(elapsed, bareMs[step]),
        sql_ms: ms(probe.busyMs(from, to)),
        cpu_ms: cpu,
        sys_cpu_ms: sampler.cpuMsBetween(from, to, 'sys'),
        gc_ms: sampler.gcMsBetween(from, to),
        bare_cpu_ms: Math.round(bareCpuMs[step]),
        cpu_ratio: ratio(cpu, bareCpuMs[step]),
        lines_per_s: Math.round(orders / (elapsed / 1000)),
        peak_rss_mb: peak.rssMb,
        temp_peak_mb: peak.tempMb,
      };
    }
    const totalMs = TOP_STEPS.reduce((sum, s) => sum + steps[s].ms, 0);
    const bareTotalMs = TOP_STEPS.reduce((sum, s) => sum + bareMs[s], 0);
    const models = modelComparison(reporter, windows.get('build')!, bareModelMs[0]!);
    const buildNodes = reporter.nodesBetween(...windows.get('build')!);
    const testsMs = buildNodes.filter((n) => n.kind === 'test').reduce((sum, n) => sum + n.durationMs, 0);
    const modelsMs = buildNodes.filter((n) => n.kind === 'model').reduce((sum, n) => sum + n.durationMs, 0);
    const memoryLimitMb = settings.memoryLimit ? parseMemorySize(settings.memoryLimit)! / 1024 ** 2 : null;

    say('');
    say(`  step            time      bare   ratio   DuckDB   CPU ratio    lines/s   peak RSS   temp (spill)`);
    for (const step of STEPS) {
      const f = steps[step];
      say(
        `  ${step.padEnd(13)} ${sec(f.ms)} ${sec(f.bare_ms)} ${f.ratio.toFixed(2).padStart(6)}× ${sec(f.sql_ms)} ${f.cpu_ratio.toFixed(2).padStart(10)}× ${f.lines_per_s.toLocaleString('en-US').padStart(10)} ${f.peak_rss_mb.toFixed(0).padStart(6)} MiB ${f.temp_peak_mb.toFixed(0).padStart(7)} MiB` +
          (f.ratio > TARGET_RATIO ? '   > 1.3×' : ''),
      );
    }
    say(`  ${'total'.padEnd(13)} ${sec(totalMs)} ${sec(bareTotalMs)} ${ratio(totalMs, bareTotalMs).toFixed(2).padStart(6)}×                        ${Math.round(orders / (totalMs / 1000)).toLocaleString('en-US').padStart(10)} ${pipelinePeakRss.toFixed(0).padStart(6)} MiB`);
    for (const step of STEPS) {
      if (steps[step].ratio <= TARGET_RATIO || step === 'close') continue;
      const [from, to] = windows.get(step)!;
      say(`${step}: longest statements: ${probe.longest(from, to, 3).map((st) => `${((st.end - st.start) / 1000).toFixed(2)} s ${st.sql.slice(0, 90)}`).join(' | ')}`);
    }
    if (flags.trace) {
      const stepOf = (t: number) => STEPS.filter((st) => !['close'].includes(st)).find((st) => t >= windows.get(st)![0] && t < windows.get(st)![1]) ?? 'between';
      const trace = {
        orders,
        steps,
        statements: probe.statements.map((st) => ({ step: stepOf(st.start), at_ms: ms(st.start - tPipeline), ms: ms(st.end - st.start), sql: st.text ?? st.sql })),
        engine_nodes: reporter.nodes.map((n) => ({ step: stepOf(n.t), ...n, t: ms(n.t - tPipeline) })),
        bare_models_ms: bareModelMs,
      };
      await writeFile(resolve(flags.trace), `${JSON.stringify(trace, null, 1)}\n`);
      say(`trace written to ${resolve(flags.trace)}`);
    }
    if (checkLeadMs !== null) {
      say(`close_check: ${sec(checkLeadMs)} before the first reconciliation query (read pipeline.yml, open the warehouse, the state tables' and the marts' catalog checks), ${sec(steps.close_check.ms - checkLeadMs)} from there (the queries, beside the compile and the freshness check); bare ${sec(bareMs.close_check)} (opening the warehouse again, then the queries); CPU ${sec(steps.close_check.cpu_ms).trim()} (the kernel's ${sec(steps.close_check.sys_cpu_ms).trim()}; garbage collection ${sec(steps.close_check.gc_ms).trim()}), bare ${sec(steps.close_check.bare_cpu_ms).trim()}${bareCheckWarmMs === null ? '' : `; the bare queries in the instance that built the tables ${sec(bareCheckWarmMs).trim()} (${ratio(steps.close_check.ms, bareCheckWarmMs).toFixed(2)}×)`}`);
    }
    say(`build: models ${sec(modelsMs)}, data tests ${sec(testsMs)} (${buildNodes.filter((n) => n.kind === 'test').length} tests); slowest models, engine vs bare:`);
    for (const m of models.slice(0, 8)) say(`    ${m.model.padEnd(32)} ${sec(m.engine_ms)} ${sec(m.bare_ms)} ${m.ratio.toFixed(2).padStart(6)}×  ${m.rows === null ? '' : `${m.rows.toLocaleString('en-US')} rows`}`);
    say(`extract: ${inputRows.toLocaleString('en-US')} rows landed (${Math.round(inputRows / (steps.extract.ms / 1000)).toLocaleString('en-US')} rows/s; bare read ${bareLanded.rows.toLocaleString('en-US')} rows)`);
    say(`  per file, engine INSERT vs bare read_csv: ${Object.entries(bareLanded.ms).map(([file, bareFileMs]) => `${file} ${sec(landingMs(probe, file, windows.get('extract')!))} vs ${sec(bareFileMs).trim()}`).join(', ')}`);
    for (const p of profiles) {
      say(`profile ${p.model}: ${sec(p.ms).trim()}, CPU ${sec(p.cpu_ms).trim()}, peak buffer ${p.peak_buffer_mb} MiB, temp ${p.peak_temp_mb} MiB`);
      for (const o of p.operators.slice(0, 4)) say(`    ${sec(o.ms)} ${o.operator.padEnd(22)} ${o.rows.toLocaleString('en-US').padStart(12)} rows  ${o.detail.slice(0, 110)}`);
    }
    say(`bare exports hashed their files (the manifests' SHA-256 and size) in ${sec(bareHashMs.export).trim()} (continuous) and ${sec(bareHashMs.close_export).trim()} (close-period); without it the ratios are ${ratio(steps.export.ms, bareMs.export - bareHashMs.export).toFixed(2)}× and ${ratio(steps.close_export.ms, bareMs.close_export - bareHashMs.close_export).toFixed(2)}×`);
    say(`bare SQL wrote the same rows as the engine: ${sameRows.ok ? 'yes' : `NO (${sameRows.differences.join('; ')})`}`);
    say(`peak RSS ${pipelinePeakRss} MiB${memoryLimitMb ? ` (memory_limit ${settings.memoryLimit})` : ''}; DuckDB temp files at most ${Math.max(...STEPS.map((s) => steps[s].temp_peak_mb))} MiB; ${uptime()}`);

    return {
      orders,
      commit: gitState(),
      months,
      data_periods: `${summary.window.firstPeriod}-${summary.window.lastPeriod}`,
      first_period: period,
      input_rows: inputRows,
      input_files: summary.files.length,
      rows_by_file: Object.fromEntries(summary.files.map((f) => [f.name, f.rows])),
      generate_ms: ms(generateMs),
      threads: settings.threads ?? null,
      memory_limit: settings.memoryLimit ?? null,
      steps,
      total_ms: ms(totalMs),
      bare_total_ms: ms(bareTotalMs),
      total_ratio: ratio(totalMs, bareTotalMs),
      lines_per_s: Math.round(orders / (totalMs / 1000)),
      extract_rows_per_s: Math.round(inputRows / (steps.extract.ms / 1000)),
      build_models_ms: ms(modelsMs),
      build_tests_ms: ms(testsMs),
      models: models.slice(0, 12),
      lines_frozen: close.linesFrozen,
      exported_rows: engineRows,
      bare_extract_ms_by_file: bareLanded.ms,
      // the first continuous export against the bare COPYs alone (without remembering what was sent)
      export_bare_copy_only_ms: ms(bareCopyOnlyMs),
      export_ratio_to_copy_only: ratio(steps.export.ms, bareCopyOnlyMs),
      // the bare exports' hashing (SHA-256 and size of each file, as the manifests list them; since stop 29), and
      // each export step's ratio without it, as stops before 29 measured
      bare_hash_ms: { export: ms(bareHashMs.export), close_export: ms(bareHashMs.close_export) },
      ratio_without_bare_hash: {
        export: ratio(steps.export.ms, bareMs.export - bareHashMs.export),
        close_export: ratio(steps.close_export.ms, bareMs.close_export - bareHashMs.close_export),
      },
      close_check_lead_ms: checkLeadMs === null ? null : ms(checkLeadMs),
      close_check_warm_bare_ms: bareCheckWarmMs === null ? null : ms(bareCheckWarmMs),
      close_check_warm_ratio: bareCheckWarmMs === null ? null : ratio(steps.close_check.ms, bareCheckWarmMs),
      ...(profiles.length ? { profiles } : {}),
      same_rows_as_bare: sameRows.ok,
      peak_rss_mb: pipelinePeakRss,
      peak_rss_with_bare_mb: peakRssMb(),
      temp_peak_mb: Math.max(...STEPS.map((s) => steps[s].temp_peak_mb)),
      load_avg: loads,
      targets: {
        total_under_60s_at_1m: orders === 1_000_000 ? totalMs < TARGET_1M_MS : null,
        peak_rss_under_4gib: pipelinePeakRss < TARGET_RSS_MB,
        under_memory_limit: memoryLimitMb ? pipelinePeakRss < memoryLimitMb : null,
        steps_within_1_3: Object.fromEntries(STEPS.map((s) => [s, steps[s].ratio <= TARGET_RATIO])),
      },
    };
  } finally {
    if (flags.keep) say(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** Time of the engine's INSERT that landed `file` (from the probe): the generated files are named after their type. */
function landingMs(probe: SqlProbe, file: string, [from, to]: [number, number]): number {
  const insert = `INSERT INTO "raw"."${file.replace(/\.csv$/, '')}" (`;
  return probe.statements.filter((s) => s.start >= from && s.start < to && s.sql.startsWith(insert)).reduce((sum, s) => sum + s.end - s.start, 0);
}

/** Rows per export type the engine wrote (first format), per job, from its bookkeeping. */
async function exportedRows(settings: Parameters<typeof Warehouse.open>[0], root: string): Promise<Record<string, Record<string, number>>> {
  const wh = await Warehouse.open(settings, { root, readOnly: true });
  try {
    const rows = await wh.rows<{ job: string; export_type: string; rows_total: string }>(
      `SELECT r.job, f.export_type, f.rows_total FROM meta.export_files AS f JOIN meta.export_runs AS r USING (export_id) WHERE f.format = 'csv' ORDER BY ALL`,
    );
    const byJob: Record<string, Record<string, number>> = {};
    for (const r of rows) (byJob[r.job] ??= {})[r.export_type] = Number(r.rows_total);
    return byJob;
  } finally {
    wh.close();
  }
}

function compareRows(engine: Record<string, Record<string, number>>, bare: Record<string, Record<string, number>>): { ok: boolean; differences: string[] } {
  const differences: string[] = [];
  for (const [job, types] of Object.entries(bare)) {
    for (const [type, n] of Object.entries(types)) {
      // The engine writes no file for a type with nothing to send (the continuous export), so none means 0 rows.
      if ((engine[job]?.[type] ?? 0) !== n) differences.push(`${job} ${type}: engine ${engine[job]?.[type] ?? 'none'}, bare ${n}`);
    }
  }
  return { ok: differences.length === 0, differences };
}

/** The pipeline build's models, slowest first, with the bare time of the same SQL. */
function modelComparison(reporter: TimelineReporter, [from, to]: [number, number], bare: Record<string, number>) {
  return reporter
    .nodesBetween(from, to)
    .filter((n) => n.kind === 'model')
    .map((n) => ({ model: n.name, engine_ms: ms(n.durationMs), bare_ms: ms(bare[n.name] ?? 0), ratio: ratio(n.durationMs, bare[n.name] ?? 0), rows: n.rowsAffected ?? null }))
    .sort((a, b) => b.engine_ms - a.engine_ms);
}

/**
 * `--curve 100000,1000000`: each size in its own process (so each has its own peak RSS), then the growth of every
 * step between consecutive sizes; linear means time grows at most 1.1× as fast as the data (10× lines ≤ 11× time).
 */
async function curve(flags: Record<string, string>): Promise<void> {
  const sizes = flags.curve!.split(',').map((s) => Number(s.trim()));
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--curve takes two or more sizes, e.g. --curve 100000,1000000 (got "${flags.curve}")`);
  const runs: Record<string, unknown>[] = [];
  for (const orders of sizes) {
    say(`── ${orders.toLocaleString('en-US')} order lines ──`);
    runs.push(await child(['--orders', String(orders), ...passedFlags(flags)], `[${orders}]`));
  }
  const scaling = sizes.slice(1).map((to, i) => {
    const a = runs[i] as { steps: Record<Step, StepFigures>; total_ms: number };
    const b = runs[i + 1] as { steps: Record<Step, StepFigures>; total_ms: number };
    const sizeRatio = to / sizes[i]!;
    const stepRatios = Object.fromEntries(STEPS.map((s) => [s, ratio(b.steps[s].ms, a.steps[s].ms)]));
    const totalRatio = ratio(b.total_ms, a.total_ms);
    return { from: sizes[i], to, size_ratio: sizeRatio, time_ratio: stepRatios, total_time_ratio: totalRatio, linear: totalRatio <= sizeRatio * 1.1 };
  });
  say('');
  say(`  time ratio between sizes (linear: ≤ 1.1 × the size ratio)`);
  say(`  ${'step'.padEnd(13)} ${scaling.map((s) => `${s.from}→${s.to} (×${s.size_ratio})`.padStart(26)).join('')}`);
  for (const step of [...STEPS, 'total'] as const) {
    say(`  ${step.padEnd(13)} ${scaling.map((s) => `${(step === 'total' ? s.total_time_ratio : s.time_ratio[step]!).toFixed(2)}×`.padStart(26)).join('')}`);
  }
  say(`  linear: ${scaling.map((s) => `${s.from}→${s.to} ${s.linear ? 'yes' : 'NO'}`).join(', ')}`);
  printFigures('e2e', { mode: 'curve', sizes, runs, scaling });
}

/**
 * `--orders N --repeat 3`: the same size in N processes one after the other, then per step the median time, the
 * median bare time and the median of the runs' own ratios, with how many runs met 1.3× (`support/repeat-summary.ts`:
 * one step's time moves ±15 % between runs on this machine, the bare SQL's as much as the engine's).
 */
async function repeat(flags: Record<string, string>): Promise<void> {
  const times = flags.repeat === 'true' ? 3 : intFlag(flags, 'repeat', 3); // a bare --repeat: three runs
  const orders = intFlag(flags, 'orders', 1_000_000);
  const runs: { steps: Record<Step, StepFigures>; total_ms: number; bare_total_ms: number; peak_rss_mb: number; same_rows_as_bare: boolean }[] = [];
  for (let i = 1; i <= times; i++) {
    say(`── run ${i} of ${times}: ${orders.toLocaleString('en-US')} order lines ──`);
    runs.push((await child(['--orders', String(orders), ...passedFlags(flags)], `[${i}/${times}]`)) as (typeof runs)[number]);
  }
  const withTotal = runs.map((r) => ({ ...r.steps, total: { ms: r.total_ms, bare_ms: r.bare_total_ms } }) as Record<Step | 'total', StepTimes>);
  const summary = summarizeRuns([...STEPS, 'total'] as const, withTotal, TARGET_RATIO);
  say('');
  say(`  ${times} runs at ${orders.toLocaleString('en-US')} order lines: median time, median bare, median of the runs' ratios`);
  say(`  ${'step'.padEnd(13)} ${'time'.padStart(9)} ${'bare'.padStart(9)} ${'ratio'.padStart(7)}   runs' ratios (within 1.3×)`);
  for (const step of [...STEPS, 'total'] as const) {
    const s = summary[step];
    say(`  ${step.padEnd(13)} ${sec(s.median_ms)} ${sec(s.median_bare_ms)} ${`${s.median_ratio.toFixed(2)}×`.padStart(7)}   ${s.ratios.map((r) => `${r.toFixed(2)}×`).join(' ')} (${s.runs_within} of ${times})`);
  }
  const peak = Math.max(...runs.map((r) => r.peak_rss_mb));
  say(`  peak RSS at most ${peak} MiB; bare SQL wrote the same rows in every run: ${runs.every((r) => r.same_rows_as_bare) ? 'yes' : 'NO'}`);
  printFigures('e2e', {
    mode: 'repeat',
    orders,
    repeat: times,
    commit: gitState(),
    summary,
    runs,
    peak_rss_mb: peak,
    targets: {
      total_under_60s_at_1m_median: orders === 1_000_000 ? summary.total.median_ms < TARGET_1M_MS : null,
      peak_rss_under_4gib: peak < TARGET_RSS_MB,
      steps_within_1_3_median: Object.fromEntries(STEPS.map((s) => [s, summary[s].median_ratio <= TARGET_RATIO])),
    },
  });
}

/** The flags a child run takes over from `--curve` or `--repeat` (the size is given per child). */
function passedFlags(flags: Record<string, string>): string[] {
  return ['months', 'first-period', 'dir', 'keep'].flatMap((k) => (flags[k] === undefined ? [] : flags[k] === 'true' ? [`--${k}`] : [`--${k}`, flags[k]!]));
}

/** Runs this benchmark for one size in a child process; echoes its lines and returns its figures. */
async function child(args: string[], prefix: string): Promise<Record<string, unknown>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'run.ts'), 'e2e', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let figures: Record<string, unknown> | undefined;
  for await (const line of createInterface({ input: proc.stdout })) {
    if (line.startsWith('{"benchmark":"e2e"')) figures = JSON.parse(line) as Record<string, unknown>;
    else say(`${prefix} ${line}`);
  }
  const code = await new Promise<number | null>((done) => (proc.exitCode !== null ? done(proc.exitCode) : proc.on('close', done)));
  if (code !== 0 || !figures) throw new Error(`the run ${args.join(' ')} failed (exit code ${code})`);
  return figures;
}

/** The commit measured, and whether the models or macros differ from it (they change often). */
function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'models', 'macros', 'src'], { cwd: PROJECT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+uncommitted(${dirty.split('\n').length} files in models/macros/src)` : head;
  } catch {
    return 'unknown';
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function sec(msValue: number): string {
  return `${(msValue / 1000).toFixed(2)} s`.padStart(9);
}

function loadNow(): number[] {
  return loadavg().map(round2);
}

function uptime(): string {
  return `load average: ${loadNow().join(', ')}`;
}

