import { join } from 'node:path';
import { z } from 'zod';
import { parseWith, zStringList } from './config-values.js';
import type { ErrorCollector } from './error-collector.js';
import { listFiles } from './files.js';
import { parseTestList } from './test-spec-parser.js';
import type { SourceDef } from './types.js';
import { readYamlFile } from './yaml-file.js';

export const SOURCES_DIR = 'sources';

const tableSchema = z
  .object({
    name: z.string(),
    identifier: z.string().optional(),
    description: z.string().default(''),
    columns: z
      .array(z.object({ name: z.string(), description: z.string().default(''), data_type: z.string().optional(), tests: z.unknown().optional(), data_tests: z.unknown().optional() }).passthrough())
      .default([]),
    tests: z.unknown().optional(),
  })
  .passthrough();

const sourceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    schema: z.string().optional(),
    description: z.string().default(''),
    tags: zStringList.default([]),
    tables: z.array(tableSchema).default([]),
  })
  .passthrough();

/**
 * Loads dbt-style `sources:` from `sources/*.yml`: named groups of existing relations (the raw landing tables and
 * the engine-owned state tables) that models read with `{{source 'raw' 'orders'}}`. Other top-level keys in these
 * files (such as `extract:`) belong to other layers and are returned raw in `sections`.
 */
export async function loadSources(
  root: string,
  env: NodeJS.ProcessEnv,
  errors: ErrorCollector,
): Promise<{ sources: SourceDef[]; sections: Record<string, unknown[]> }> {
  const sources: SourceDef[] = [];
  const sections: Record<string, unknown[]> = {};
  const seen = new Map<string, string>();
  for (const path of await listFiles(root, SOURCES_DIR, ['.yml', '.yaml'])) {
    const file = await errors.attemptAsync(() => readYamlFile(join(root, path), path, env));
    if (!file || file.data === null || typeof file.data !== 'object') continue;
    for (const [key, value] of Object.entries(file.data as Record<string, unknown>)) {
      if (key === 'sources') continue;
      (sections[key] ??= []).push(...(Array.isArray(value) ? value : [value]));
    }
    const list = (file.data as { sources?: unknown }).sources;
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errors.add('sources: must be a list', { file: path });
      continue;
    }
    list.forEach((entry: unknown, index) => {
      const parsed = errors.attempt(() => parseWith(sourceSchema, entry, file, ['sources', index]));
      if (!parsed) return;
      if (seen.has(parsed.name)) {
        errors.add(`source "${parsed.name}" is declared twice`, { file: path, line: file.lineOf(['sources', index]) ?? 0 }, `also in ${seen.get(parsed.name)}`);
        return;
      }
      seen.set(parsed.name, path);
      sources.push({
        kind: 'source',
        name: parsed.name,
        schema: parsed.schema ?? parsed.name,
        description: parsed.description,
        path,
        tags: parsed.tags,
        tables: parsed.tables.map((table, ti) => ({
          name: table.name,
          identifier: table.identifier ?? table.name,
          description: table.description,
          columns: table.columns.map((c, ci) => ({
            name: c.name,
            description: c.description,
            ...(c.data_type ? { dataType: c.data_type } : {}),
            tests: parseTestList(c.data_tests ?? c.tests, file, ['sources', index, 'tables', ti, 'columns', ci, 'tests'], c.name, errors),
          })),
          tests: parseTestList(table.tests, file, ['sources', index, 'tables', ti, 'tests'], undefined, errors),
        })),
      });
    });
  }
  return { sources, sections };
}
