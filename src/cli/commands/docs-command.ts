import type { Command } from 'commander';
import { generateDocs } from '../../docs/docs-service.js';
import { EXIT_CODES } from '../../errors.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** `revrec docs generate [--out target/docs]`: the project's documentation as one static, offline HTML page. */
export function registerDocsCommand(program: Command, runner: CommandRunner): void {
  const docs = program.command('docs').description('project documentation: models, seeds, sources, tests, lineage');
  addGlobalOptions(
    docs
      .command('generate')
      .description('write a static docs site (one index.html, no server or network needed) with lineage and column lineage')
      .option('--out <dir>', 'output folder (default: <target_path>/docs of the project)'),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const outcome = await generateDocs({
        projectDir: global.projectDir,
        ...(opts.out ? { outDir: String(opts.out) } : {}),
        ...(global.vars ? { vars: global.vars } : {}),
      });
      const { counts, lineage } = outcome;
      reporter.log('info', `${outcome.catalog.note}`, { catalog: outcome.catalog.origin });
      reporter.log(
        'info',
        `Documented ${counts.model} models, ${counts.seed} seeds, ${counts.source} sources, ${counts.test} tests; column lineage complete for ${lineage.complete} of ${lineage.models} models (${lineage.partial} partial, ${lineage.failed} not parsed)`,
        { counts, lineage },
      );
      reporter.result(outcome.indexPath, { index_path: outcome.indexPath, bytes: outcome.bytes });
      return EXIT_CODES.ok;
    }),
  );
}
