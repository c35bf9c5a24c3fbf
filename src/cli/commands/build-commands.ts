import { Option } from 'commander';
import type { Command } from 'commander';
import { EXIT_CODES } from '../../errors.js';
import type { Command as BuildCommand } from '../../plan/plan-types.js';
import { runBuild } from '../../run/invocation.js';
import { countByStatus, succeeded } from '../../run/run-types.js';
import { addGlobalOptions, collect, readGlobalOptions } from '../global-options.js';
import type { CommandRunner } from '../command-runner.js';

const DESCRIPTIONS: Record<BuildCommand, string> = {
  run: 'build the selected models',
  seed: 'load the seeds (reference CSVs)',
  test: 'run the data tests',
  build: 'seeds, models and data tests in DAG order; dependents of a failed test are skipped',
};

/** `run`, `seed`, `test`, `build`: one shape, dbt's flags. */
export function registerBuildCommands(program: Command, runner: CommandRunner): void {
  for (const name of ['run', 'seed', 'test', 'build'] as const) {
    const command = program
      .command(name)
      .description(DESCRIPTIONS[name])
      .option('-s, --select <selector...>', 'node selection (dbt grammar): space-separated terms or repeated flags, a union', collect)
      .option('--exclude <selector...>', 'nodes to leave out (same grammar); space-separated or repeated', collect)
      .option('--fail-fast', 'stop at the first failure', false)
      .option('--dry-run', 'print the plan and exit', false);
    if (name !== 'test') command.addOption(new Option('--full-refresh', 'rebuild incremental models from scratch').default(false));
    addGlobalOptions(command).action((opts: Record<string, unknown>) =>
      runner(readGlobalOptions(opts), async (global, reporter) => {
        const outcome = await runBuild({
          command: name,
          projectDir: global.projectDir,
          ...(global.vars ? { vars: global.vars } : {}),
          ...(opts.select ? { select: opts.select as string[] } : {}),
          ...(opts.exclude ? { exclude: opts.exclude as string[] } : {}),
          fullRefresh: Boolean(opts.fullRefresh),
          failFast: Boolean(opts.failFast),
          dryRun: Boolean(opts.dryRun),
          reporter,
        });
        if (!outcome.result) return EXIT_CODES.ok;
        const counts = countByStatus(outcome.result);
        const ok = succeeded(outcome.result);
        const summary = `Done. PASS=${counts.success + counts.pass} WARN=${counts.warn} ERROR=${counts.error + counts.fail} SKIP=${counts.skipped} TOTAL=${outcome.result.results.length}`;
        reporter.log(ok ? 'info' : 'error', summary, { counts });
        if (ok && counts.warn > 0) reporter.log('warn', `finished with ${counts.warn} warning(s); exit code 0`);
        return ok ? EXIT_CODES.ok : EXIT_CODES.failure;
      }),
    );
  }
}

