import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseWith } from './config-values.js';
import type { ErrorCollector } from './error-collector.js';
import { baseName, FILE_CONCURRENCY, listFiles, mapLimit } from './files.js';
import { folderDefaults, mergeConfig, modelConfigSchema, resolveConfig } from './model-config.js';
import type { RawModelConfig } from './model-config.js';
import { parseTestList } from './test-spec-parser.js';
import type { ColumnDef, DataTestSpec, ModelDef, ProjectSettings } from './types.js';
import { readYamlFile } from './yaml-file.js';
import type { YamlFile } from './yaml-file.js';

export const MODELS_DIR = 'models';

const columnSchema = z
  .object({
    name: z.string(),
    description: z.string().default(''),
    data_type: z.string().optional(),
    tests: z.unknown().optional(),
    data_tests: z.unknown().optional(),
  })
  .passthrough();

const modelEntrySchema = z
  .object({
    name: z.string(),
    description: z.string().default(''),
    config: z.record(z.string(), z.unknown()).default({}),
    columns: z.array(columnSchema).default([]),
    tests: z.unknown().optional(),
    data_tests: z.unknown().optional(),
  })
  .passthrough();

interface YamlModelEntry {
  file: YamlFile;
  index: number;
  description: string;
  config: RawModelConfig;
  columns: ColumnDef[];
  tests: DataTestSpec[];
}

/**
 * Loads `models/**.sql` and the YAML beside them (`models:` entries: description, config, columns, tests), applying
 * folder defaults from `pipeline.yml`. Duplicate names and YAML entries without a SQL file are reported with both
 * locations; every problem is collected, none stops the others.
 */
export async function loadModels(
  root: string,
  settings: ProjectSettings,
  env: NodeJS.ProcessEnv,
  errors: ErrorCollector,
): Promise<ModelDef[]> {
  const sqlPaths = await listFiles(root, MODELS_DIR, ['.sql']);
  const yamlPaths = await listFiles(root, MODELS_DIR, ['.yml', '.yaml']);
  const yamlEntries = new Map<string, YamlModelEntry>();
  for (const path of yamlPaths) {
    const file = await errors.attemptAsync(() => readYamlFile(join(root, path), path, env));
    if (!file) continue;
    const models = (file.data as { models?: unknown } | null)?.models;
    if (models === undefined) continue;
    if (!Array.isArray(models)) {
      errors.add('models: must be a list', { file: path });
      continue;
    }
    models.forEach((entry: unknown, index) => {
      const parsed = errors.attempt(() => parseWith(modelEntrySchema, entry, file, ['models', index]));
      if (!parsed) return;
      const previous = yamlEntries.get(parsed.name);
      if (previous) {
        errors.add(`model "${parsed.name}" is described twice`, { file: path, line: file.lineOf(['models', index]) ?? 0 }, `also in ${previous.file.path}`);
        return;
      }
      const config = errors.attempt(() => parseWith(modelConfigSchema, parsed.config, file, ['models', index, 'config']));
      const columns = parsed.columns.map((column, ci) => ({
        name: column.name,
        description: column.description,
        ...(column.data_type ? { dataType: column.data_type } : {}),
        tests: parseTestList(column.data_tests ?? column.tests, file, ['models', index, 'columns', ci, column.data_tests ? 'data_tests' : 'tests'], column.name, errors),
      }));
      const tests = parseTestList(parsed.data_tests ?? parsed.tests, file, ['models', index, parsed.data_tests ? 'data_tests' : 'tests'], undefined, errors);
      yamlEntries.set(parsed.name, { file, index, description: parsed.description, config: config ?? {}, columns, tests });
    });
  }

  const models: ModelDef[] = [];
  const seen = new Map<string, string>();
  // Read the SQL files concurrently (bounded): one await per file in sequence dominates loading 1,000 models.
  const sqlTexts = new Map(await mapLimit(sqlPaths, FILE_CONCURRENCY, async (path) => [path, await readFile(join(root, path), 'utf8')] as const));
  for (const path of sqlPaths) {
    const name = baseName(path, '.sql');
    const other = seen.get(name);
    if (other) {
      errors.add(`two models are named "${name}"`, { file: path }, `rename one of ${other} and ${path}; model names are global`);
      continue;
    }
    seen.set(name, path);
    const folders = path.split('/').slice(1, -1);
    const defaults = errors.attempt(() => folderDefaults(settings.modelDefaults, settings.name, folders)) ?? {};
    const entry = yamlEntries.get(name);
    const rawConfig = mergeConfig(defaults, entry?.config ?? {});
    const config = resolveConfig(rawConfig, folders[0] ?? 'main');
    models.push({
      kind: 'model',
      name,
      path,
      rawSql: sqlTexts.get(path)!,
      description: entry?.description ?? '',
      columns: entry?.columns ?? [],
      tests: entry?.tests ?? [],
      config,
      rawConfig,
      ...(entry ? { yamlPath: entry.file.path } : {}),
    });
  }
  for (const [name, entry] of yamlEntries) {
    if (!seen.has(name)) {
      errors.add(`"${name}" is described in YAML but there is no models/**/${name}.sql`, {
        file: entry.file.path,
        line: entry.file.lineOf(['models', entry.index]) ?? 0,
      });
    }
  }
  return models;
}
