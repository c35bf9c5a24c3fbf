import { Option } from 'commander';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { createReporter } from '../reporter/create-reporter.js';
import type { LogFormat } from '../reporter/create-reporter.js';
import type { Reporter } from '../reporter/reporter.js';

export interface GlobalOptions {
  readonly projectDir: string;
  readonly logFormat: LogFormat;
  readonly quiet: boolean;
  readonly vars?: Record<string, unknown>;
}

/** Options every command accepts (dbt's names). */
export function addGlobalOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'project folder (holds pipeline.yml)', process.env.REVREC_PROJECT_DIR ?? '.')
    .addOption(new Option('--log-format <format>', 'text for people, json lines for machines; default: text on a terminal, json otherwise').choices(['text', 'json', 'auto']).default('auto'))
    .option('-q, --quiet', 'print only errors and requested output', false)
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{home_currency: EUR}\'');
}

export function readGlobalOptions(options: Record<string, unknown>): GlobalOptions {
  return {
    projectDir: String(options.projectDir ?? '.'),
    logFormat: (options.logFormat as LogFormat | undefined) ?? 'auto',
    quiet: Boolean(options.quiet),
    ...(options.vars ? { vars: parseVars(String(options.vars)) } : {}),
  };
}

export function parseVars(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`--vars is not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`, { hint: "example: --vars '{home_currency: EUR, first_period: 202401}'" });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('--vars must be a mapping', { hint: "example: --vars '{home_currency: EUR}'" });
  }
  return value as Record<string, unknown>;
}

export function reporterFor(options: GlobalOptions): Reporter {
  return createReporter(options.logFormat, options.quiet);
}

/** Collects repeated/space-separated `--select a b --select c` into one list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
