import { JsonReporter } from './json-reporter.js';
import type { Reporter } from './reporter.js';
import { TextReporter } from './text-reporter.js';

export type LogFormat = 'text' | 'json' | 'auto';

/** `auto`: text on a terminal, JSON lines otherwise (cron, Airflow, CI). */
export function createReporter(format: LogFormat, quiet: boolean): Reporter {
  const json = format === 'json' || (format === 'auto' && !process.stdout.isTTY);
  return json ? new JsonReporter(process.stdout, quiet, () => new Date(), format === 'auto') : new TextReporter(process.stdout, process.stderr, quiet);
}
