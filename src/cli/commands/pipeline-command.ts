import type { Command } from 'commander';
import { systemClock } from '../../clock.js';
import { parseSteps } from '../../pipeline/pipeline-steps.js';
import { runPipeline } from '../../pipeline/pipeline-service.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** `revrec pipeline [--steps extract,build,export,publish] [--all]`: what cron and Airflow run. */
export function registerPipelineCommand(program: Command, runner: CommandRunner): void {
  addGlobalOptions(
    program
      .command('pipeline')
      .description('run pipeline.yml end to end: due extracts → seeds, models, data tests → due exports → publish')
      .option('--steps <list>', 'comma-separated subset of extract,build,export,publish')
      .option('--all', 'run every source and export job, not only those due', false)
      .option('--full-refresh', 'rebuild incremental models from scratch', false),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const outcome = await runPipeline({
        projectDir: global.projectDir,
        steps: parseSteps(opts.steps as string | undefined),
        reporter,
        clock: systemClock,
        ...(global.vars ? { vars: global.vars } : {}),
        all: Boolean(opts.all),
        fullRefresh: Boolean(opts.fullRefresh),
      });
      return outcome.exitCode;
    }),
  );
}
