import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/cli/register-layers.js';
import { quoteLiteral, relationName } from '../src/compile/node-ids.js';
import { exportClosedPeriod } from '../src/export/close-period-export.js';
import type { ExportJobConfig } from '../src/export/export-config.js';
import { exportSelect } from '../src/export/export-select.js';
import type { ExportFormat } from '../src/export/export-select.js';
import { EXPORT_TYPES } from '../src/export/export-types.js';
import { closePeriod } from '../src/periods/period-service.js';
import { loadProject } from '../src/project/load-project.js';
import { generateCompany } from '../src/sample/index.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb } from './support/bench-timing.js';
import { landInbox } from './support/bench-warehouse.js';
import { SilentReporter } from './support/silent-reporter.js';

const PROJECT = resolve(fileURLToPath(import.meta.url), '../..');
const PERIOD = 202401;

/**
 * `npm run bench -- export --lines 1000000 [--runs 2] [--dir /big/tmp]`: generates N order lines (all booked in the
 * first month, so every line has a row of every type in it), lands them, builds, closes 202401 (without its export),
 * then in the same run times, per format, the close-period export of all nine types (stage, `COPY` to a temporary
 * name, SHA-256, control totals, manifest, delivery to a local folder, bookkeeping) next to a bare DuckDB `COPY` of the
 * same SELECTs (`exportSelect` over `exports.exp_*` for the period) into a folder. Best of `--runs`, alternating the
 * two so both see the same machine, and the process CPU time of each (less sensitive to other load on a shared box).
 * Target: export / bare ≤ 1.3. `--reuse DIR` times the exports again on a warehouse an earlier `--keep` run left.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const lines = intFlag(flags, 'lines', 1_000_000);
  const runs = intFlag(flags, 'runs', 2);
  const reuse = flags.reuse;
  const dir = reuse ?? (await mkdtemp(join(flags.dir ?? tmpdir(), 'revrec-bench-export-')));
  process.env.REVREC_WAREHOUSE = join(dir, 'revrec.duckdb');
  process.env.REVREC_TEMP_DIR = join(dir, 'tmp');
  process.env.REVREC_FIRST_PERIOD = String(PERIOD);
  process.env.REVREC_EXPORT_CLOSE = 'false';
  const reporter = new SilentReporter();
  try {
    const project = await loadProject(PROJECT);
    let t0 = performance.now();
    const prepared = reuse ? { generateMs: 0, closeMs: 0 } : await prepare(dir, lines, project.settings.warehouse, project.root, reporter);
    const { generateMs, closeMs } = prepared;

    const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'bench export' });
    try {
      const rowsByType: Record<string, number> = {};
      for (const type of EXPORT_TYPES) {
        rowsByType[type.name] = type.model ? Number(await wh.scalar(`SELECT count(*) FROM ${relationName('exports', type.model)} WHERE Actg_Period = ${PERIOD}`)) : 1;
      }
      const totalRows = Object.values(rowsByType).reduce((a, b) => a + b, 0);
      say(`period ${PERIOD}: ${totalRows.toLocaleString('en-US')} export rows (${Object.entries(rowsByType).map(([t, n]) => `${t} ${n}`).join(', ')})`);
      const figures: Record<string, unknown> = { lines, period: PERIOD, rows: totalRows, rows_by_type: rowsByType, generate_ms: ms(generateMs), close_ms: ms(closeMs) };
      for (const format of ['csv', 'parquet'] as const) {
        const exportTimes: number[] = [];
        const bareTimes: number[] = [];
        const exportCpu: number[] = [];
        const bareCpu: number[] = [];
        let bytes = 0;
        for (let i = 0; i < runs; i++) {
          const bareDir = join(dir, `bare-${format}-${i}`);
          t0 = performance.now();
          let c0 = process.cpuUsage();
          await bareCopy(wh, format, bareDir);
          bareTimes.push(performance.now() - t0);
          bareCpu.push(cpuMs(c0));
          await rm(bareDir, { recursive: true, force: true });

          const outbox = join(dir, `outbox-${format}-${i}`);
          const job: ExportJobConfig = { job: 'close_period', enabled: true, formats: [format], destinations: [{ name: 'bench', store: { kind: 'local', folder: outbox } }] };
          t0 = performance.now();
          c0 = process.cpuUsage();
          await exportClosedPeriod(wh, { job, period: PERIOD, clock: () => new Date(), reporter, tempRoot: join(dir, 'staging') });
          exportTimes.push(performance.now() - t0);
          exportCpu.push(cpuMs(c0));
          bytes = await folderBytes(outbox);
          await rm(outbox, { recursive: true, force: true });
        }
        const exportBest = Math.min(...exportTimes);
        const bareBest = Math.min(...bareTimes);
        const exportCpuBest = Math.min(...exportCpu);
        const bareCpuBest = Math.min(...bareCpu);
        say(
          `${format}: export ${(exportBest / 1000).toFixed(2)} s, bare COPY ${(bareBest / 1000).toFixed(2)} s, ratio ${(exportBest / bareBest).toFixed(2)}; ` +
            `CPU ${(exportCpuBest / 1000).toFixed(2)} s vs ${(bareCpuBest / 1000).toFixed(2)} s, ratio ${(exportCpuBest / bareCpuBest).toFixed(2)} (${(bytes / 1048576).toFixed(1)} MiB)`,
        );
        figures[`${format}_export_ms`] = ms(exportBest);
        figures[`${format}_bare_copy_ms`] = ms(bareBest);
        figures[`${format}_ratio`] = Math.round((exportBest / bareBest) * 1000) / 1000;
        figures[`${format}_export_cpu_ms`] = ms(exportCpuBest);
        figures[`${format}_bare_copy_cpu_ms`] = ms(bareCpuBest);
        figures[`${format}_cpu_ratio`] = Math.round((exportCpuBest / bareCpuBest) * 1000) / 1000;
        figures[`${format}_mib`] = Math.round((bytes / 1048576) * 10) / 10;
        figures[`${format}_export_all_ms`] = exportTimes.map(ms);
        figures[`${format}_bare_all_ms`] = bareTimes.map(ms);
      }
      figures.target_ratio = 1.3;
      figures.peak_rss_mb = peakRssMb();
      printFigures('export', figures);
    } finally {
      wh.close();
    }
  } finally {
    if (!flags.keep && !reuse) await rm(dir, { recursive: true, force: true });
    else say(`kept ${dir}`);
  }
}

/** Generates, lands, builds and closes the period (without its export); returns how long that took. */
async function prepare(dir: string, lines: number, settings: Parameters<typeof Warehouse.open>[0], root: string, reporter: SilentReporter): Promise<{ generateMs: number; closeMs: number }> {
  say(`generating ${lines.toLocaleString('en-US')} order lines …`);
  let t0 = performance.now();
  await generateCompany({ outDir: join(dir, 'inbox'), orderLines: lines, badRows: false, months: 1, firstPeriod: String(PERIOD), writeSummary: false });
  const generateMs = performance.now() - t0;
  const landing = await Warehouse.open(settings, { root, command: 'bench export' });
  try {
    t0 = performance.now();
    await landInbox(landing, join(dir, 'inbox'), reporter);
    say(`landed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    landing.close();
  }
  say(`building and closing ${PERIOD} (two builds) …`);
  t0 = performance.now();
  const close = await closePeriod({ projectDir: PROJECT, reporter, force: true, export: false });
  const closeMs = performance.now() - t0;
  if (!close.closed) throw new Error(`the close failed: ${close.reasons.join('; ')}`);
  if (close.reasons.length) say(`closed with --force despite: ${close.reasons.join('; ')}`);
  say(`closed in ${(closeMs / 1000).toFixed(1)} s`);
  return { generateMs, closeMs };
}

/** The baseline: one bare `COPY` per type of the same SELECT the exporter writes, nothing else. */
async function bareCopy(wh: Warehouse, format: ExportFormat, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const options = format === 'csv' ? "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'" : 'FORMAT parquet, COMPRESSION zstd';
  for (const type of EXPORT_TYPES) {
    const source = type.model
      ? relationName('exports', type.model)
      : `(SELECT CAST(${PERIOD} AS INTEGER) AS Closed_Period, CAST(now() AS TIMESTAMP) AS Export_Timestamp)`;
    const select = exportSelect(type.columns, source, type.model ? `Actg_Period = ${PERIOD}` : undefined, type.orderBy, { format, amountScale: 2, withVersion: false });
    await wh.run(`COPY (${select}) TO ${quoteLiteral(join(dir, `${type.name}.${format}`))} (${options})`);
  }
}

/** Process CPU time (every thread: DuckDB's and Node's) since `start`, in ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}
