import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/cli/register-layers.js';
import { loadProject } from '../src/project/load-project.js';
import { runBuild } from '../src/run/invocation.js';
import { generateCompany } from '../src/sample/index.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb, ratio } from './support/bench-timing.js';
import { assertBuilt, landInbox } from './support/bench-warehouse.js';
import { SilentReporter } from './support/silent-reporter.js';

const PROJECT = resolve(fileURLToPath(import.meta.url), '../..');

/**
 * `npm run bench -- schedules --lines 1000000`: generates N order lines (all booked in the first month, 12-36 month
 * services, so about 20 line-periods each), lands them, builds every model, and in the same run times the simplest
 * exact raw-SQL schedule on the same lines (round(TP x C(p) / D) differences on BIGINT). Reports the schedule model
 * against that baseline, the schedule + rollforward + journal build, rows/s and peak memory.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const lines = intFlag(flags, 'lines', 1_000_000);
  const dir = await mkdtemp(join(flags.dir ?? tmpdir(), 'revrec-bench-schedules-'));
  process.env.REVREC_WAREHOUSE = join(dir, 'revrec.duckdb');
  process.env.REVREC_TEMP_DIR = join(dir, 'tmp');
  process.env.REVREC_FIRST_PERIOD = '202401';
  try {
    say(`generating ${lines.toLocaleString('en-US')} order lines …`);
    let t0 = performance.now();
    await generateCompany({ outDir: join(dir, 'inbox'), orderLines: lines, badRows: false, months: 1, firstPeriod: '202401', writeSummary: false });
    const generateMs = performance.now() - t0;
    const project = await loadProject(PROJECT);
    const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'bench schedules' });
    const reporter = new SilentReporter();
    try {
      t0 = performance.now();
      await landInbox(wh, join(dir, 'inbox'), reporter);
      const landMs = performance.now() - t0;
      t0 = performance.now();
      const build = await runBuild({ command: 'build', projectDir: PROJECT, reporter, warehouse: wh });
      const buildMs = performance.now() - t0;
      assertBuilt(build);
      const timeOf = (name: string) => build.result!.results.find((r) => r.unique_id.endsWith(`.${name}`))?.execution_time_ms ?? 0;
      const scheduleRows = Number(await wh.scalar('SELECT count(*) FROM marts.fct_revenue_schedule'));
      // The simplest exact schedule in raw SQL on the same recognition parts: every month of every line.
      t0 = performance.now();
      await wh.run(`CREATE OR REPLACE TABLE main.bench_raw_schedule AS
        WITH g AS (
          SELECT line_key, part_amount_minor AS amount, start_date, days AS d,
                 (year(booked_date) * 12 + month(booked_date) - 1) AS bp,
                 unnest(range(year(start_date) * 12 + month(start_date) - 1, year(end_date) * 12 + month(end_date))) AS pm
          FROM intermediate.int_recognition_parts),
        c AS (
          SELECT line_key, pm, amount, d,
            CASE WHEN pm < bp THEN 0 ELSE greatest(0, least(d, (last_day(make_date((pm // 12)::INT, (pm % 12 + 1)::INT, 1)) - start_date + 1)::BIGINT)) END AS c_now,
            CASE WHEN pm - 1 < bp THEN 0 ELSE greatest(0, least(d, (make_date((pm // 12)::INT, (pm % 12 + 1)::INT, 1) - start_date)::BIGINT)) END AS c_prev
          FROM g)
        SELECT line_key, pm, (amount * c_now * 2 + d) // (2 * d) - (amount * c_prev * 2 + d) // (2 * d) AS revenue FROM c`);
      const rawMs = performance.now() - t0;
      const rawRows = Number(await wh.scalar('SELECT count(*) FROM main.bench_raw_schedule'));
      // The same with the home-currency amount (exact, BIGINT-split conversion at the contract rate), which the
      // schedule model also carries.
      t0 = performance.now();
      await wh.run(`CREATE OR REPLACE TABLE main.bench_raw_schedule_home AS
        WITH r AS (
          SELECT s.line_key, s.pm, s.revenue, p.rate_num AS n, p.rate_den AS d FROM main.bench_raw_schedule AS s
          JOIN (SELECT DISTINCT line_key, rate_num, rate_den FROM intermediate.int_schedule_parts) AS p USING (line_key))
        SELECT line_key, pm, revenue,
          CASE WHEN d = 1 THEN revenue * n ELSE sign(revenue) * ((abs(revenue) // d) * n + ((abs(revenue) % d) * n * 2 + d) // (2 * d)) END AS revenue_home
        FROM r`);
      const rawHomeMs = rawMs + (performance.now() - t0);
      await wh.run('DROP TABLE main.bench_raw_schedule; DROP TABLE main.bench_raw_schedule_home');
      const scheduleMs = timeOf('fct_revenue_schedule');
      const coreMs = ['int_recognition_parts', 'int_price_points', 'int_price_now', 'int_line_cumulative', 'int_schedule_parts', 'fct_line_current', 'fct_revenue_schedule'].reduce((a, n) => a + timeOf(n), 0);
      say(`landed in ${(landMs / 1000).toFixed(1)} s; full build (${build.result!.results.length} models) ${(buildMs / 1000).toFixed(1)} s`);
      say(`schedule model: ${(scheduleMs / 1000).toFixed(2)} s for ${scheduleRows.toLocaleString('en-US')} rows (${Math.round(scheduleRows / (scheduleMs / 1000)).toLocaleString('en-US')} rows/s)`);
      say(`raw SQL schedule: ${(rawMs / 1000).toFixed(2)} s for ${rawRows.toLocaleString('en-US')} line-periods; ratio ${(scheduleMs / rawMs).toFixed(2)}`);
      say(`raw SQL schedule with home amounts: ${(rawHomeMs / 1000).toFixed(2)} s; ratio ${(scheduleMs / rawHomeMs).toFixed(2)}`);
      say(`schedule + rollforward + journals: ${(coreMs / 1000).toFixed(2)} s; peak RSS ${peakRssMb()} MiB`);
      printFigures('schedules', {
        lines,
        generate_ms: ms(generateMs),
        land_ms: ms(landMs),
        build_ms: ms(buildMs),
        schedule_ms: ms(scheduleMs),
        schedule_rows: scheduleRows,
        schedule_rows_per_s: Math.round(scheduleRows / (scheduleMs / 1000)),
        raw_schedule_ms: ms(rawMs),
        raw_line_periods: rawRows,
        schedule_vs_raw_ratio: ratio(scheduleMs, rawMs),
        raw_schedule_with_home_ms: ms(rawHomeMs),
        schedule_vs_raw_with_home_ratio: ratio(scheduleMs, rawHomeMs),
        schedule_rollforward_journals_ms: ms(coreMs),
        model_ms: Object.fromEntries(build.result!.results.map((r) => [r.unique_id.split('.').pop(), ms(r.execution_time_ms)])),
        peak_rss_mb: peakRssMb(),
      });
    } finally {
      wh.close();
    }
  } finally {
    if (!flags.keep) await rm(dir, { recursive: true, force: true });
  }
}
