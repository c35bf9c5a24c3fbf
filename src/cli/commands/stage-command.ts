import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { systemClock } from '../../clock.js';
import { ConfigError, EXIT_CODES } from '../../errors.js';
import { loadProject } from '../../project/load-project.js';
import { runBuild } from '../../run/invocation.js';
import { dropStaged, formatStaged, listStaged } from '../../stage/stage-records.js';
import type { StageFilter } from '../../stage/stage-records.js';
import { ensureStateTables } from '../../warehouse/state-tables.js';
import { Warehouse } from '../../warehouse/warehouse.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

function filterOf(opts: Record<string, unknown>): StageFilter {
  return {
    ...(opts.file ? { file: String(opts.file) } : {}),
    ...(opts.row ? { row: Number(opts.row) } : {}),
    ...(opts.type ? { type: String(opts.type) } : {}),
    ...(opts.code ? { code: String(opts.code) } : {}),
    ...(opts.key ? { key: String(opts.key) } : {}),
    ...(opts.status ? { status: String(opts.status) } : {}),
  };
}

function withFilters(command: Command): Command {
  return command
    .option('--file <file>', 'records of this file (as listed)')
    .option('--row <n>', 'the record at this row (header = 1)')
    .option('--type <type>', 'record type (orders, invoices, …)')
    .option('--code <code>', 'stage code (BAD_DATE, FUTURE_PERIOD, …)')
    .option('--key <key>', 'record key')
    .option('--status <status>', 'error, held or excluded');
}

/** `revrec stage ls [--json]` and `revrec stage rm … --reason …`. */
export function registerStageCommand(program: Command, runner: CommandRunner): void {
  const stage = program.command('stage').description('the stage area: input records that cannot be used now, with file, row, code and message');
  addGlobalOptions(withFilters(stage.command('ls').description('list staged records')).option('--json', 'one JSON object per record (file, row, type, key, code, status, message)', false)).action(
    (opts: Record<string, unknown>) =>
      runner(readGlobalOptions(opts), async (global, reporter) => {
        const project = await loadProject(global.projectDir);
        const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'revrec stage ls' });
        try {
          const records = await listStaged(wh, filterOf(opts));
          if (opts.json) {
            const list = records.map(({ version: _version, ...r }) => r);
            reporter.result(JSON.stringify(list, null, 2), list);
          } else reporter.result(formatStaged(records), records);
          return EXIT_CODES.ok;
        } finally {
          wh.close();
        }
      }),
  );
  addGlobalOptions(
    withFilters(stage.command('rm').description('drop staged records (recorded in meta.stage_deletions), then rebuild'))
      .requiredOption('--reason <text>', 'why they are dropped (kept with the deletion)')
      .option('--dry-run', 'show what would be dropped', false),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const filter = filterOf(opts);
      if (Object.keys(filter).length === 0) throw new ConfigError('stage rm needs at least one filter', { hint: 'e.g. --file orders.csv --row 12, or --code BAD_DATE --type orders' });
      const project = await loadProject(global.projectDir);
      const wh = await Warehouse.open(project.settings.warehouse, { root: project.root, command: 'revrec stage rm' });
      try {
        await ensureStateTables(wh);
        const records = await listStaged(wh, filter);
        reporter.result(formatStaged(records), records);
        if (opts.dryRun || records.length === 0) return EXIT_CODES.ok;
        const dropped = await dropStaged(wh, records, String(opts.reason), userInfo().username, systemClock());
        reporter.log('info', `dropped ${dropped} staged record(s); rebuilding`, { dropped });
        await runBuild({ command: 'build', projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}), reporter, warehouse: wh });
        return EXIT_CODES.ok;
      } finally {
        wh.close();
      }
    }),
  );
}
