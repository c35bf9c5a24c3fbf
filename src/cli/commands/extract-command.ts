import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { EXIT_CODES } from '../../errors.js';
import { systemClock } from '../../clock.js';
import { runExtract } from '../../extract/extract-service.js';
import { loadProject } from '../../project/load-project.js';
import { Warehouse } from '../../warehouse/warehouse.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** `revrec extract [--source NAME] [--if-due] [--full-reload]`. */
export function registerExtractCommand(program: Command, runner: CommandRunner): void {
  addGlobalOptions(
    program
      .command('extract')
      .description('pull new files from the configured sources (S3, SFTP, local) and land them in raw tables')
      .option('--source <name>', 'only this source')
      .option('--if-due', 'only sources whose schedule is due (for a frequent cron line or Airflow task)', false)
      .option('--full-reload', 'reload every file, replacing each file\'s earlier rows', false),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const invocationId = randomUUID();
      reporter.context({ invocation_id: invocationId, command: 'extract' });
      const project = await loadProject(global.projectDir);
      const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'revrec extract' });
      try {
        const outcome = await runExtract(wh, {
          sections: project.settings.sections,
          root: project.root,
          reporter,
          clock: systemClock,
          invocationId,
          ...(opts.source ? { source: String(opts.source) } : {}),
          ifDue: Boolean(opts.ifDue),
          fullReload: Boolean(opts.fullReload),
        });
        for (const name of outcome.skippedNotDue) reporter.log('info', `extract ${name}: not due`, { source: name, due: false });
        let transferErrors = 0;
        for (const s of outcome.sources) {
          // A source that could not be read was reported where it failed; here only the count.
          const count = (...statuses: string[]) => s.files.filter((f) => statuses.includes(f.status)).length;
          transferErrors += count('transfer_error') + (s.error ? 1 : 0);
          const stillFailed = count('still_failed');
          const summary = s.error
            ? 'not read (see the error above)'
            : `${count('loaded')} loaded, ${count('duplicate')} identical re-deliveries, ${count('unchanged')} unchanged, ` +
              `${count('failed', 'still_failed')} unreadable${stillFailed ? ` (${stillFailed} unchanged since it failed: deliver a corrected file)` : ''}, ` +
              `${count('transfer_error')} not downloaded`;
          reporter.log(s.error || count('transfer_error') ? 'error' : count('failed', 'still_failed') ? 'warn' : 'info', `extract ${s.source}: ${summary}`, {
            source: s.source,
            files: s.files.length,
            loaded: count('loaded'),
            duplicate: count('duplicate'),
            unchanged: count('unchanged'),
            failed: count('failed', 'still_failed'),
            transfer_errors: count('transfer_error'),
          });
        }
        return transferErrors > 0 ? EXIT_CODES.failure : EXIT_CODES.ok;
      } finally {
        wh.close();
      }
    }),
  );
}
