import { CompileError, ConfigError, EXIT_CODES, RevrecError, WarehouseLockedError, messageOf } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';

/**
 * Maps an error to dbt's exit codes (2: usage or configuration, 1: something failed) plus ours (3: another process
 * holds the warehouse), and reports it with where and what to do. Unexpected errors keep their stack for debugging.
 */
export function exitCodeForError(error: unknown, reporter: Reporter): number {
  if (error instanceof WarehouseLockedError) {
    reporter.log('error', messageOf(error), { code: 'WAREHOUSE_LOCKED' });
    return EXIT_CODES.locked;
  }
  if (error instanceof CompileError || error instanceof ConfigError) {
    reporter.log('error', messageOf(error), { code: error.name });
    return EXIT_CODES.usage;
  }
  if (error instanceof RevrecError) {
    reporter.log('error', messageOf(error), { code: error.name });
    return EXIT_CODES.failure;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reporter.log('error', `unexpected error: ${detail}`, { code: 'INTERNAL' });
  return EXIT_CODES.failure;
}
