import { join } from 'node:path';
import { z } from 'zod';
import { parseWith, zStringList } from './config-values.js';
import type { ErrorCollector } from './error-collector.js';
import { baseName, listFiles } from './files.js';
import { parseTestList } from './test-spec-parser.js';
import type { ColumnDef, DataTestSpec, SeedDef } from './types.js';
import { readYamlFile } from './yaml-file.js';

export const SEEDS_DIR = 'seeds';

const seedEntrySchema = z
  .object({
    name: z.string(),
    description: z.string().default(''),
    column_types: z.record(z.string(), z.string()).default({}),
    delimiter: z.string().length(1).default(','),
    tags: zStringList.default([]),
    columns: z
      .array(z.object({ name: z.string(), description: z.string().default(''), tests: z.unknown().optional(), data_tests: z.unknown().optional() }).passthrough())
      .default([]),
    tests: z.unknown().optional(),
  })
  .strict();

/** Loads `seeds/*.csv` with their optional YAML (`seeds:` entries with `column_types`, docs and tests). */
export async function loadSeeds(root: string, schema: string, env: NodeJS.ProcessEnv, errors: ErrorCollector): Promise<SeedDef[]> {
  const csvPaths = await listFiles(root, SEEDS_DIR, ['.csv']);
  const yamlPaths = await listFiles(root, SEEDS_DIR, ['.yml', '.yaml']);
  const meta = new Map<string, { description: string; columnTypes: Record<string, string>; delimiter: string; tags: string[]; columns: ColumnDef[]; tests: DataTestSpec[]; file: string; line?: number }>();
  for (const path of yamlPaths) {
    const file = await errors.attemptAsync(() => readYamlFile(join(root, path), path, env));
    const entries = (file?.data as { seeds?: unknown } | null)?.seeds;
    if (!file || !Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, index) => {
      const parsed = errors.attempt(() => parseWith(seedEntrySchema, entry, file, ['seeds', index]));
      if (!parsed) return;
      const line = file.lineOf(['seeds', index]);
      meta.set(parsed.name, {
        file: path,
        ...(line ? { line } : {}),
        description: parsed.description,
        columnTypes: parsed.column_types,
        delimiter: parsed.delimiter,
        tags: parsed.tags,
        columns: parsed.columns.map((c, ci) => ({
          name: c.name,
          description: c.description,
          ...(parsed.column_types[c.name] ? { dataType: parsed.column_types[c.name] } : {}),
          tests: parseTestList(c.data_tests ?? c.tests, file, ['seeds', index, 'columns', ci, 'tests'], c.name, errors),
        })),
        tests: parseTestList(parsed.tests, file, ['seeds', index, 'tests'], undefined, errors),
      });
    });
  }
  const seeds: SeedDef[] = [];
  const seen = new Map<string, string>();
  for (const path of csvPaths) {
    const name = baseName(path, '.csv');
    if (seen.has(name)) {
      errors.add(`two seeds are named "${name}"`, { file: path }, `rename one of ${seen.get(name)} and ${path}`);
      continue;
    }
    seen.set(name, path);
    const m = meta.get(name);
    seeds.push({
      kind: 'seed',
      name,
      path,
      schema,
      description: m?.description ?? '',
      columnTypes: m?.columnTypes ?? {},
      columns: m?.columns ?? [],
      tests: m?.tests ?? [],
      tags: m?.tags ?? [],
      delimiter: m?.delimiter ?? ',',
    });
  }
  // A typo in a seed's YAML name would silently drop its column_types and load money as text.
  for (const [name, m] of meta) {
    if (!seen.has(name)) errors.add(`seed "${name}" is described in YAML but there is no seeds/**/${name}.csv`, { file: m.file, ...(m.line ? { line: m.line } : {}) });
  }
  return seeds;
}
