import { Command, CommanderError } from 'commander';
import './register-layers.js';
import { EXIT_CODES, RevrecError } from '../errors.js';
import { createReporter } from '../reporter/create-reporter.js';
import type { LogFormat } from '../reporter/create-reporter.js';
import { REVREC_VERSION } from '../version.js';
import { createCommandRunner } from './command-runner.js';
import { exitCodeForError } from './exit-code.js';
import { registerBuildCommands } from './commands/build-commands.js';
import { registerCompileCommand } from './commands/compile-command.js';
import { registerLsCommand } from './commands/ls-command.js';
import { registerPeriodCommand } from './commands/period-command.js';
import { registerExtractCommand } from './commands/extract-command.js';
import { registerExportCommand } from './commands/export-command.js';
import { registerSampleCommand } from './commands/sample-command.js';
import { registerStageCommand } from './commands/stage-command.js';
import { registerPipelineCommand } from './commands/pipeline-command.js';
import { registerDocsCommand } from './commands/docs-command.js';
import { registerReportCommand } from './commands/report-command.js';

/**
 * The `revrec` CLI. Commands are thin: parse options, call the API, report, return an exit code
 * (0 ok, 1 a node/test/step failed, 2 usage or configuration error, 3 another process holds the warehouse).
 */
export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`revrec ls | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  let exitCode: number = EXIT_CODES.ok;
  const runner = createCommandRunner((code) => (exitCode = code));
  const program = new Command()
    .name('revrec')
    .description('Revenue-recognition warehouse: extract files, build dbt-style models on DuckDB, close periods, export.')
    .version(REVREC_VERSION)
    .exitOverride()
    .showHelpAfterError('(run revrec --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCompileCommand(program, runner);
  registerBuildCommands(program, runner);
  registerLsCommand(program, runner);
  registerPeriodCommand(program, runner);
  registerExtractCommand(program, runner);
  registerExportCommand(program, runner);
  registerSampleCommand(program, runner);
  registerStageCommand(program, runner);
  registerPipelineCommand(program, runner);
  registerDocsCommand(program, runner);
  registerReportCommand(program, runner);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    // Raised while reading the options themselves (a bad --vars), before a command had its reporter.
    if (error instanceof RevrecError) return exitCodeForError(error, createReporter(logFormatOf(argv), false));
    throw error;
  }
  return exitCode;
}

/** The `--log-format` given on the command line, for errors raised before the options were read. */
function logFormatOf(argv: readonly string[]): LogFormat {
  const i = argv.findIndex((a) => a === '--log-format' || a.startsWith('--log-format='));
  const value = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  return value === 'text' || value === 'json' ? value : 'auto';
}
