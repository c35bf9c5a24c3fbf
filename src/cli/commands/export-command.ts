import type { Command } from 'commander';
import { Option } from 'commander';
import { ConfigError, EXIT_CODES } from '../../errors.js';
import { runCloseExport, runContinuousExport, runRevenueDetail } from '../../export/export-service.js';
// Registers the export step of `revrec pipeline` (the pipeline does not import the export layer).
import '../../export/pipeline-export-step.js';
import type { RevenueDetailFormat } from '../../export/revenue-detail/revenue-detail-report.js';
import { parsePeriod } from '../../periods/period-math.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

function periodOption(value: unknown, required: boolean): number | undefined {
  if (value === undefined) {
    if (required) throw new ConfigError('--period YYYYMM is required');
    return undefined;
  }
  const period = parsePeriod(String(value));
  if (period === undefined) throw new ConfigError(`--period must be YYYYMM, got "${String(value)}"`);
  return period;
}

/** `revrec export close|continuous|revenue-detail`. */
export function registerExportCommand(program: Command, runner: CommandRunner): void {
  const exp = program.command('export').description('export files: close-period, continuous, revenue detail report');

  addGlobalOptions(
    exp
      .command('close')
      .description('write the close-period export of a closed period again and deliver it (retries a failed delivery)')
      .option('--period <YYYYMM>', 'the closed period (default: the latest closed)'),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const period = periodOption(opts.period, false);
      const outcome = await runCloseExport({ projectDir: global.projectDir, reporter, ...(period ? { period } : {}) });
      const rows = outcome.files.filter((f) => f.type !== 'manifest').reduce((s, f) => s + f.rows, 0);
      reporter.log('info', `close-period export of ${outcome.period}: ${outcome.files.length} file(s), ${rows} row(s) delivered`, {
        period: outcome.period,
        files: outcome.files.length,
        rows,
      });
      return EXIT_CODES.ok;
    }),
  );

  addGlobalOptions(
    exp
      .command('continuous')
      .description('export every record not exported before or changed since, one file per type')
      .option('--if-due', 'only when the schedule says so (default daily at 23:00 UTC) and it has not run since', false),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const outcome = await runContinuousExport({ projectDir: global.projectDir, reporter, ifDue: Boolean(opts.ifDue) });
      if (outcome.status === 'delivered') {
        const summary = Object.entries(outcome.changes)
          .filter(([, c]) => c && (c.changed || c.zeroed))
          .map(([type, c]) => `${type} ${c!.changed}${c!.zeroed ? ` (+${c!.zeroed} at zero)` : ''}`)
          .join(', ');
        reporter.log('info', `continuous export ${outcome.version}: ${outcome.files?.length ?? 0} file(s) delivered: ${summary}`, {
          version: String(outcome.version),
          files: outcome.files?.length ?? 0,
        });
      }
      return EXIT_CODES.ok;
    }),
  );

  addGlobalOptions(
    exp
      .command('revenue-detail')
      .description('the revenue detail report (seed 003) of a period, as CSV or XLSX')
      .requiredOption('--period <YYYYMM>', 'the accounting period')
      .addOption(new Option('--format <format>', 'csv or xlsx').choices(['csv', 'xlsx']).default('csv'))
      .option('--out <path>', 'output file (default revenue-detail-<YYYYMM>.<format> in the current folder)'),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const period = periodOption(opts.period, true)!;
      const outcome = await runRevenueDetail({
        projectDir: global.projectDir,
        reporter,
        period,
        format: String(opts.format) as RevenueDetailFormat,
        ...(opts.out ? { out: String(opts.out) } : {}),
      });
      reporter.log('info', `revenue detail ${period}: ${outcome.rows} line(s), ${outcome.columns} column(s) → ${outcome.path}`, {
        path: outcome.path,
        rows: outcome.rows,
      });
      return EXIT_CODES.ok;
    }),
  );
}
