import { Option } from 'commander';
import type { Command } from 'commander';
import { ConfigError, EXIT_CODES } from '../../errors.js';
import { parsePeriod } from '../../periods/period-math.js';
import { formatAmount } from '../../report/money-text.js';
import { generateWaterfallReport } from '../../report/waterfall-service.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** `revrec report waterfall --period YYYYMM [--out file.html]`: the revenue waterfall with its period-close tie-outs. */
export function registerReportCommand(program: Command, runner: CommandRunner): void {
  const report = program.command('report').description('HTML reports read from the warehouse');
  addGlobalOptions(
    report
      .command('waterfall')
      .description('revenue by period (recognized and scheduled) as a chart, reconciled to deferred revenue, unbilled receivable and journals')
      .requiredOption('--period <YYYYMM>', 'the period to reconcile: the current period or a closed one')
      .option('--out <file>', 'output HTML file (default: <target_path>/reports/waterfall-<period>.html)')
      .addOption(new Option('--from <db>', 'read the warehouse or the published read-only copy').choices(['warehouse', 'published']).default('warehouse')),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const period = parsePeriod(String(opts.period));
      if (period === undefined) throw new ConfigError(`--period must be YYYYMM, got "${String(opts.period)}"`);
      const { path, report: result } = await generateWaterfallReport({
        projectDir: global.projectDir,
        period,
        ...(opts.out ? { outPath: String(opts.out) } : {}),
        from: opts.from as 'warehouse' | 'published',
      });
      const { homeCurrency, homeMinorUnit } = result.data.settings;
      const fmt = (v: bigint) => `${formatAmount(v, homeMinorUnit)} ${homeCurrency}`;
      reporter.log('info', `Waterfall ${period}: recognized ${fmt(result.recognizedTotal)}, scheduled ${fmt(result.scheduledTotal)} over ${result.data.bars.length} periods`);
      const broken = result.checks.filter((c) => !c.ties);
      const brokenPeriods = result.revenueVsJournals.filter((r) => r.difference !== 0n);
      for (const c of broken) reporter.log('error', `${c.title}: ${c.left.label} ${fmt(c.left.amount)} vs ${c.right.label} ${fmt(c.right.amount)} (difference ${fmt(c.difference)})`, { check: c.id });
      for (const r of brokenPeriods) reporter.log('error', `revenue ${r.period} ${fmt(r.revenue)} vs journals ${fmt(r.implied)} (difference ${fmt(r.difference)})`, { period: r.period });
      reporter.result(path, { path, period, all_tie: result.allTie });
      // The page is written either way; a reconciliation that does not tie fails the command, for cron and CI.
      return result.allTie ? EXIT_CODES.ok : EXIT_CODES.failure;
    }),
  );
}
