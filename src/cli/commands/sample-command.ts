import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES } from '../../errors.js';
import { generateCompany } from '../../sample/index.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, readGlobalOptions } from '../global-options.js';

/** `revrec sample --out inbox`: writes the demo company's input files (deterministic). */
export function registerSampleCommand(program: Command, runner: CommandRunner): void {
  addGlobalOptions(
    program
      .command('sample')
      .description('generate the demo company\'s input files (orders, invoices, commissions, rates, general import, exclusions)')
      .option('--out <dir>', 'folder to write into', process.env.REVREC_INBOX ?? 'inbox')
      .option('--contracts <n>', 'number of contracts', '200')
      .option('--order-lines <n>', 'size by order lines instead (benchmarks)')
      .option('--first-period <YYYYMM>', 'first month of data', process.env.REVREC_FIRST_PERIOD ?? '202401')
      .option('--months <n>', 'months of data', '24')
      .option('--seed <n>', 'random seed', '42')
      .option('--no-bad-rows', 'leave out the deliberately bad rows')
      .option('--format <csv|xlsx|zip>', 'file format', 'csv')
      .option('--deliveries <single|monthly>', 'one file per type, or monthly files', 'single'),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (_global, reporter) => {
      const summary = await generateCompany({
        outDir: resolve(String(opts.out)),
        seed: Number(opts.seed),
        ...(opts.orderLines ? { orderLines: Number(opts.orderLines) } : { contracts: Number(opts.contracts) }),
        firstPeriod: String(opts.firstPeriod),
        homeCurrency: process.env.REVREC_HOME_CURRENCY ?? 'USD',
        months: Number(opts.months),
        badRows: opts.badRows !== false,
        format: String(opts.format) as 'csv' | 'xlsx' | 'zip',
        deliveries: String(opts.deliveries) as 'single' | 'monthly',
      });
      reporter.log('info', `wrote the sample company to ${resolve(String(opts.out))}`, { summary: summary.counts });
      return EXIT_CODES.ok;
    }),
  );
}
