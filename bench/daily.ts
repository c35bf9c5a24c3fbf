import { createReadStream, createWriteStream } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import '../src/cli/register-layers.js';
import '../src/export/pipeline-export-step.js';
import { closePeriod } from '../src/periods/period-service.js';
import { runPipeline } from '../src/pipeline/pipeline-service.js';
import { loadProject } from '../src/project/load-project.js';
import { runBuild } from '../src/run/invocation.js';
import { generateCompany } from '../src/sample/index.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { median, ms, peakRssMb, ratio } from './support/bench-timing.js';
import { SilentReporter } from './support/silent-reporter.js';

const PROJECT = resolve(fileURLToPath(import.meta.url), '../..');

/**
 * `npm run bench -- daily --lines 1000000 [--change 0.01] [--rates] [--imports] [--closes N] [--days N]`: the daily run on a big
 * warehouse. Generates N order lines over 12 months (first period = the last month, so every order is in the books),
 * runs the pipeline once (the initial full build and the first continuous export), then delivers a day's file in
 * which 1% of the order lines changed (their Sale_Price) (with `--rates`, also a file correcting the rates of
 * 2024-12-13; with `--imports`, each day also a general-import file re-delivering 1 % of its rows, their Amount
 * raised by 1 %), and times `revrec pipeline` again step by step: extract, build (incremental), export (continuous: only
 * the changed records), publish. With `--days N` it does so N days in a row, another 1 % of the lines each day, and
 * reports the median day. With `--closes N` it first closes N periods after the initial pipeline (no close-period
 * export), so the days run on N periods of frozen history. For comparison it then times a full rebuild
 * (`build --full-refresh`) of the same warehouse.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const lines = intFlag(flags, 'lines', 1_000_000);
  const change = Number(flags.change ?? '0.01');
  const dir = await mkdtemp(join(flags.dir ?? tmpdir(), 'revrec-bench-daily-'));
  const inbox = join(dir, 'inbox');
  Object.assign(process.env, {
    REVREC_WAREHOUSE: join(dir, 'revrec.duckdb'),
    REVREC_PUBLISH_PATH: join(dir, 'published.duckdb'),
    REVREC_TEMP_DIR: join(dir, 'tmp'),
    REVREC_INBOX: inbox,
    REVREC_OUTBOX: join(dir, 'outbox'),
    REVREC_FIRST_PERIOD: '202412',
    REVREC_EXPORT_CLOSE: 'false',
  });
  // The days run the built CLI (runCliPipeline): build it from this checkout first.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT, stdio: 'inherit' });
  const reporter = new SilentReporter();
  const clock = () => new Date('2024-12-15T06:00:00Z');
  try {
    say(`generating ${lines.toLocaleString('en-US')} order lines …`);
    await generateCompany({ outDir: inbox, orderLines: lines, badRows: false, months: 12, firstPeriod: '202401', writeSummary: false });
    let t0 = performance.now();
    const first = await runPipeline({ projectDir: PROJECT, steps: ['extract', 'build', 'export', 'publish'], reporter, clock, all: true });
    const initialMs = performance.now() - t0;
    if (first.exitCode !== 0) throw new Error(`initial pipeline failed: ${JSON.stringify(first.steps)} ${reporter.errors.join('\n')}`);
    say(`initial pipeline (full build + first export): ${(initialMs / 1000).toFixed(1)} s`);
    // History: each close freezes every line's row of its period, so a warehouse a year old holds 12 of them. As in
    // production, the pipeline runs after each close (its continuous export sends the closed period's journals and
    // the new period's numbers), so the measured day starts from a current export.
    // Each close is followed by a day's file (0.1 % of the lines, another slice each time), as in production: the
    // export after a close then carries a new load's Version. Without it every export after a close had the Version
    // of the first load, reused the same file names, and so bundled every earlier run's records of that name into
    // its files (seed 000: one name, one bundle), growing with each close: 29 s after the first close, 95 s after six.
    const closes = intFlag(flags, 'closes', 0);
    let closesMs = 0;
    for (let i = 0; i < closes; i++) {
      const t = performance.now();
      const closed = await closePeriod({ projectDir: PROJECT, reporter, clock, export: false });
      if (!closed.closed) throw new Error(`close ${closed.period} failed: ${closed.reasons.join('; ')}`);
      const closeMs = performance.now() - t;
      await writeDelta(join(inbox, 'orders.csv'), join(inbox, `orders_after_close_${i + 1}.csv`), 1000, i + 1);
      const after = await runPipeline({ projectDir: PROJECT, steps: ['extract', 'build', 'export', 'publish'], reporter, clock, all: true });
      if (after.exitCode !== 0) throw new Error(`pipeline after closing ${closed.period} failed: ${JSON.stringify(after.steps)} ${reporter.errors.join('\n')}`);
      closesMs += closeMs;
      const exportMs = after.steps.find((step) => step.step === 'export')?.durationMs ?? 0;
      say(
        `closed ${closed.period} (${closed.linesFrozen.toLocaleString('en-US')} line rows frozen) in ${(closeMs / 1000).toFixed(1)} s; ` +
          `pipeline after it ${((performance.now() - t - closeMs) / 1000).toFixed(1)} s (continuous export ${(exportMs / 1000).toFixed(1)} s)`,
      );
    }

    // Day after day, another 1 % each day (every 1/change-th line from the day's offset): the first day after a
    // fresh full build flatters, since DuckDB's vacuum merges row groups only once deletions have piled up.
    const days = intFlag(flags, 'days', 1);
    const every = Math.round(1 / change);
    const dayMs: number[] = [];
    const daySteps: Record<string, number>[] = [];
    let changed = 0;
    let rates = 0;
    let imports = 0;
    for (let day = 1; day <= days; day++) {
      changed = await writeDelta(join(inbox, 'orders.csv'), join(inbox, `orders_daily_delta_${day}.csv`), every, day - 1);
      say(`day ${day}: delivered a file changing ${changed.toLocaleString('en-US')} order lines (${(change * 100).toFixed(1)}%)`);
      if (flags.imports) {
        imports = await writeDelta(join(inbox, 'general_import.csv'), join(inbox, `general_import_daily_${day}.csv`), every, day - 1, 'Amount');
        say(`and a general-import file re-delivering ${imports.toLocaleString('en-US')} of its rows (overrides, split parts, external lines)`);
      }
      if (flags.rates && day === 1) {
        rates = await writeRateCorrection(join(inbox, 'fx_rates.csv'), join(inbox, 'fx_rates_daily.csv'), '2024-12-13');
        say(`and a rates file correcting ${rates} rate(s) of 2024-12-13 (the lookups of those currencies from that day to the next rate date move)`);
      }
      // The run before just wrote two big files (warehouse and published copy); the kernel writes them back for many
      // seconds. A real daily run comes a day later, so that writeback is flushed first: without this, the day's
      // publish (a copy of the file) measured 0.8–3.6 s depending on how much was still being written.
      execFileSync('sync');
      const t = performance.now();
      const steps = runCliPipeline(clock());
      dayMs.push(performance.now() - t);
      daySteps.push(Object.fromEntries(steps.map((step) => [step.step, step.durationMs])));
      for (const step of steps) say(`  ${step.step.padEnd(8)} ${(step.durationMs / 1000).toFixed(2)} s  ${step.message}`);
      say(`day ${day}: ${(dayMs.at(-1)! / 1000).toFixed(2)} s, the whole \`revrec pipeline\` process (target < 10 s)`);
    }
    const dailyMs = median(dayMs);
    // The mean counts a compaction day (src/warehouse/vacuum.ts) at its weight; the median does not see it.
    const meanMs = dayMs.reduce((sum, value) => sum + value, 0) / dayMs.length;
    if (days > 1) say(`daily pipeline over ${days} days: median ${(dailyMs / 1000).toFixed(2)} s, mean ${(meanMs / 1000).toFixed(2)} s, fastest ${(Math.min(...dayMs) / 1000).toFixed(2)} s, slowest ${(Math.max(...dayMs) / 1000).toFixed(2)} s (target < 10 s)`);

    const project = await loadProject(PROJECT);
    const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'bench daily' });
    let fullMs: number;
    try {
      t0 = performance.now();
      await runBuild({ command: 'build', projectDir: PROJECT, reporter, warehouse: wh, fullRefresh: true, clock });
      fullMs = performance.now() - t0;
    } finally {
      wh.close();
    }
    say(`full rebuild of the same warehouse: ${(fullMs / 1000).toFixed(2)} s; daily / full = ${(dailyMs / fullMs).toFixed(2)}`);
    printFigures('daily', {
      lines,
      changed_lines: changed,
      corrected_rates: rates,
      general_import_rows: imports,
      initial_pipeline_ms: ms(initialMs),
      days,
      daily_pipeline_ms: ms(dailyMs),
      daily_mean_ms: ms(meanMs),
      days_ms: dayMs.map(ms),
      daily_steps_ms: daySteps.at(-1),
      days_steps_ms: daySteps,
      full_rebuild_ms: ms(fullMs),
      closes,
      closes_ms: ms(closesMs),
      daily_vs_full_rebuild_ratio: ratio(dailyMs, fullMs),
      target_met: dailyMs < 10_000,
      peak_rss_mb: peakRssMb(),
    });
  } finally {
    if (!flags.keep) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One day as cron or Airflow runs it: `revrec pipeline --all` in its own process (the built CLI, bin/revrec.js), its
 * steps read from the JSON log, so the day's time includes what a real run pays to start: loading the CLI, compiling
 * the project, opening the warehouse.
 */
function runCliPipeline(now: Date): { step: string; durationMs: number; message: string }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [join(PROJECT, 'bin/revrec.js'), 'pipeline', '--all', '--log-format', 'json'], {
      cwd: PROJECT,
      env: { ...process.env, REVREC_NOW: now.toISOString() },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`daily pipeline exited ${failed.status}: ${(failed.stderr || failed.stdout || '').split('\n').slice(-20).join('\n')}`);
  }
  const steps: { step: string; durationMs: number; message: string }[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { event?: string; step?: string; message?: string; duration_ms?: number };
    const match = /^step [a-z]+: (.*)$/.exec(event.message ?? '');
    if (event.event === 'log' && event.step && match && typeof event.duration_ms === 'number') steps.push({ step: event.step, durationMs: event.duration_ms, message: match[1]! });
  }
  return steps;
}

/** Re-delivers the rates of one day with the last digit of each rate raised by one: a correction. */
async function writeRateCorrection(from: string, to: string, day: string): Promise<number> {
  const lines = (await readFile(from, 'utf8')).trimEnd().split('\n');
  const rows = lines.slice(1).filter((line) => line.split(',')[2] === day);
  const corrected = rows.map((line) => {
    const cells = line.split(',');
    const rate = cells[3]!;
    cells[3] = rate.slice(0, -1) + String((Number(rate.at(-1)) + 1) % 10);
    return cells.join(',');
  });
  await writeFile(to, [lines[0], ...corrected].join('\n') + '\n');
  return corrected.length;
}

/**
 * Copies every `every`-th data row of a delivered file (from the `offset`-th on) with its `column` (an amount) raised by
 * 1 %, as a new delivery; a row with the column empty is delivered again as it was. Rows with a quote before the
 * column are left out (the cells are split at commas).
 */
async function writeDelta(from: string, to: string, every: number, offset = 0, column = 'Sale_Price'): Promise<number> {
  await mkdir(join(to, '..'), { recursive: true });
  const out = createWriteStream(to);
  const input = createInterface({ input: createReadStream(from), crlfDelay: Infinity });
  let header: string[] | undefined;
  let priceAt = -1;
  let n = 0;
  let changed = 0;
  for await (const line of input) {
    if (!header) {
      header = line.split(',');
      priceAt = header.indexOf(column);
      out.write(`${line}\n`);
      continue;
    }
    if (n++ % every !== offset % every) continue;
    const cells = line.split(',');
    if (cells.slice(0, priceAt + 1).some((cell) => cell.includes('"'))) continue;
    if (cells[priceAt] !== '') cells[priceAt] = raisedByOnePercent(cells[priceAt]!);
    out.write(`${cells.join(',')}\n`);
    changed++;
  }
  await new Promise<void>((resolveEnd, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())));
  return changed;
}

/** A decimal text raised by 1 % of its minor units (truncated), in exact decimal text (never a float). */
function raisedByOnePercent(text: string): string {
  const negative = text.startsWith('-');
  const [units, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const scale = 10n ** BigInt(fraction.length);
  const minor = BigInt(units!) * scale + (fraction ? BigInt(fraction) : 0n);
  const raised = minor + minor / 100n;
  const digits = fraction ? `${raised / scale}.${(raised % scale).toString().padStart(fraction.length, '0')}` : String(raised);
  return negative ? `-${digits}` : digits;
}
