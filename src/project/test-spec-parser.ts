import type { DataTestSpec, Severity } from './types.js';
import type { ErrorCollector } from './error-collector.js';
import type { YamlFile } from './yaml-file.js';

const KINDS = ['not_null', 'unique', 'accepted_values', 'relationships', 'expression'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Parses the dbt forms of a test list (under `tests:` or `data_tests:`):
 * `- not_null`, `- unique: {severity: warn}`, `- accepted_values: {values: [a, b]}`,
 * `- relationships: {to: ref('orders') | orders, field: id}`, `- expression: "amount >= 0"` (dbt-utils'
 * expression_is_true), each optionally with `severity`, `where`, `name` or a dbt-style `config: {severity, where}`.
 */
export function parseTestList(
  raw: unknown,
  file: YamlFile,
  keys: (string | number)[],
  column: string | undefined,
  errors: ErrorCollector,
): DataTestSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.add('tests must be a list', { file: file.path, ...lineAt(file, keys) });
    return [];
  }
  const out: DataTestSpec[] = [];
  raw.forEach((entry: unknown, index) => {
    const at = [...keys, index];
    const location = { file: file.path, ...lineAt(file, at) };
    let kind: string;
    let args: Record<string, unknown> = {};
    if (typeof entry === 'string') {
      kind = entry;
    } else if (entry && typeof entry === 'object' && Object.keys(entry).length === 1) {
      const [k, v] = Object.entries(entry)[0]!;
      kind = k;
      if (typeof v === 'string') args = k === 'expression' ? { expression: v } : { value: v };
      else if (v && typeof v === 'object' && !Array.isArray(v)) args = { ...(v as Record<string, unknown>) };
      else if (Array.isArray(v) && k === 'accepted_values') args = { values: v };
    } else {
      errors.add('a test entry must be a name or a one-key mapping', location);
      return;
    }
    if (!(KINDS as readonly string[]).includes(kind)) {
      errors.add(`unknown test "${kind}"`, location, `use one of ${KINDS.join(', ')}, or a singular test in data-tests/`);
      return;
    }
    const config = (args.config ?? {}) as Record<string, unknown>;
    const severity = String(config.severity ?? args.severity ?? 'error').toLowerCase();
    if (severity !== 'error' && severity !== 'warn') {
      errors.add(`severity must be "error" or "warn", got "${severity}"`, location);
      return;
    }
    const where = (config.where ?? args.where) as string | undefined;
    const name = (args.name ?? config.name) as string | undefined;
    for (const key of ['config', 'severity', 'where', 'name']) delete args[key];
    const problem = checkArgs(kind as Kind, args, column);
    if (problem) {
      errors.add(problem, location);
      return;
    }
    out.push({
      kind: kind as Kind,
      ...(column ? { column } : {}),
      args,
      severity: severity as Severity,
      ...(name ? { name } : {}),
      ...(where ? { where } : {}),
      file: file.path,
      ...lineAt(file, at),
    });
  });
  return out;
}

function checkArgs(kind: Kind, args: Record<string, unknown>, column: string | undefined): string | undefined {
  switch (kind) {
    case 'not_null':
      return column || typeof args.column_name === 'string' ? undefined : 'not_null needs a column: put it under a column, or give column_name';
    case 'unique':
      if (args.combination !== undefined) {
        return Array.isArray(args.combination) && args.combination.length > 0 && args.combination.every((c) => typeof c === 'string')
          ? undefined
          : 'unique combination needs a list of columns: {combination: [a, b]}';
      }
      return column || typeof args.column_name === 'string' ? undefined : 'unique needs a column: put it under a column, or give column_name (or combination: [a, b])';
    case 'accepted_values':
      return Array.isArray(args.values) ? undefined : 'accepted_values needs values: [..]';
    case 'relationships':
      return typeof args.to === 'string' && typeof args.field === 'string'
        ? undefined
        : "relationships needs to: ref('model') and field: column";
    case 'expression':
      return typeof args.expression === 'string' ? undefined : 'expression needs a SQL boolean expression';
    default:
      throw new Error(`Unexpected test kind ${String(kind)}`);
  }
}

function lineAt(file: YamlFile, keys: (string | number)[]): { line?: number } {
  const line = file.lineOf(keys);
  return line ? { line } : {};
}
