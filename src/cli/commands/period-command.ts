import type { Command } from 'commander';
import { ConfigError, EXIT_CODES, messageOf } from '../../errors.js';
import type { CloseCheck } from '../../periods/close-checks.js';
import { parsePeriod } from '../../periods/period-math.js';
import { checkPeriod, closePeriod, periodStatus, reopenLatestPeriod } from '../../periods/period-service.js';
import type { Reporter } from '../../reporter/reporter.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** Prints the close checks, one line each, with the disagreeing rows under a failed one. */
function reportChecks(reporter: Reporter, period: number, checks: readonly CloseCheck[]): void {
  for (const check of checks) {
    const text = [`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.summary}`, ...check.details.map((d) => `       ${d}`)].join('\n');
    reporter.result(text, { period, check: check.name, ok: check.ok, summary: check.summary, details: check.details });
  }
}

/** `revrec period status|check|close|reopen`. */
export function registerPeriodCommand(program: Command, runner: CommandRunner): void {
  const period = program.command('period').description('accounting periods: status, check, close, reopen');
  addGlobalOptions(period.command('check').description('build the current period and run the close checks (reconciliations, data tests, FX-pending)')).action(
    (opts: Record<string, unknown>) =>
      runner(readGlobalOptions(opts), async (global, reporter) => {
        const outcome = await checkPeriod({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}), reporter });
        reportChecks(reporter, outcome.period, outcome.checks);
        const failed = outcome.checks.filter((c) => !c.ok).length;
        reporter.log(failed ? 'error' : 'info', failed ? `period ${outcome.period}: ${failed} check(s) failed; it can not be closed without --force` : `period ${outcome.period}: every check passed; it can be closed`, {
          period: outcome.period,
          failed,
        });
        return failed ? EXIT_CODES.failure : EXIT_CODES.ok;
      }),
  );
  addGlobalOptions(period.command('status').description('show the current period and the closes').option('--json', 'print JSON', false)).action(
    (opts: Record<string, unknown>) =>
      runner(readGlobalOptions(opts), async (global, reporter) => {
        const state = await periodStatus({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}), reporter });
        const data = {
          current_period: state.currentPeriod,
          last_closed_period: state.lastClosedPeriod,
          first_period: state.firstPeriod,
          closes: state.closes.map((c) => ({ period: c.period, closed_at: c.closedAt, forced: c.forced, force_reasons: c.forceReasons })),
        };
        if (opts.json) reporter.result(JSON.stringify(data, null, 2), data);
        else {
          reporter.result(`current period: ${state.currentPeriod} (open)`, data);
          reporter.result(`closed: ${state.closes.length ? state.closes.map((c) => `${c.period}${c.forced ? ' (forced)' : ''}`).join(', ') : 'none'}`);
        }
        return EXIT_CODES.ok;
      }),
  );
  addGlobalOptions(
    period
      .command('close')
      .description('build, check and freeze the current period, then open the next')
      .option('--period <YYYYMM>', 'the period to close (must be the current one)')
      .option('--force', 'close even if a check fails (recorded with the close)', false),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const requested = opts.period === undefined ? undefined : parsePeriod(String(opts.period));
      if (opts.period !== undefined && requested === undefined) throw new ConfigError(`--period must be YYYYMM, got "${String(opts.period)}"`);
      const outcome = await closePeriod({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}), reporter, ...(requested ? { period: requested } : {}), force: Boolean(opts.force) });
      if (!outcome.closed) {
        reportChecks(reporter, outcome.period, outcome.checks);
        reporter.log('error', `period ${outcome.period} was not closed:\n${outcome.reasons.map((r) => `  - ${r}`).join('\n')}`, { reasons: outcome.reasons });
        return EXIT_CODES.failure;
      }
      if (outcome.forced) reporter.log('warn', `period ${outcome.period} closed with --force despite:\n${outcome.reasons.map((r) => `  - ${r}`).join('\n')}`);
      reporter.log('info', `closed period ${outcome.period} (${outcome.linesFrozen} line rows frozen)`, { period: outcome.period, lines_frozen: outcome.linesFrozen });
      if (outcome.export?.status === 'failed') {
        reporter.log('error', `period ${outcome.period} stays closed, but its close-period export failed: ${messageOf(outcome.export.error)}; retry with revrec export close --period ${outcome.period}`, {
          period: outcome.period,
          code: outcome.export.error?.name ?? 'EXPORT_FAILED',
        });
        return EXIT_CODES.failure;
      }
      if (outcome.export?.status === 'delivered') reporter.log('info', `close-period export of ${outcome.period}: ${outcome.export.files} file(s) delivered`, { files: outcome.export.files });
      return EXIT_CODES.ok;
    }),
  );
  addGlobalOptions(period.command('reopen').description('reopen the latest closed period')).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const { period: reopened } = await reopenLatestPeriod({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}), reporter });
      reporter.log('info', `reopened period ${reopened}; it is the current period again`, { period: reopened });
      return EXIT_CODES.ok;
    }),
  );
}
