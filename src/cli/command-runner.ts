import { EXIT_CODES } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { exitCodeForError } from './exit-code.js';
import type { GlobalOptions } from './global-options.js';
import { reporterFor } from './global-options.js';

export type CommandBody = (options: GlobalOptions, reporter: Reporter) => Promise<number>;
export type CommandRunner = (options: GlobalOptions, body: CommandBody) => Promise<void>;

/**
 * Runs a command body with a reporter, turns errors into exit codes, and stores the code for `main` to return.
 * Commands never call process.exit themselves, so tests can run the CLI in-process.
 */
export function createCommandRunner(setExitCode: (code: number) => void): CommandRunner {
  return async (options, body) => {
    const reporter = reporterFor(options);
    try {
      setExitCode(await body(options, reporter));
    } catch (error) {
      setExitCode(exitCodeForError(error, reporter));
    } finally {
      reporter.close();
    }
  };
}

export { EXIT_CODES };
