import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseMemorySize } from '../warehouse/memory-budget.js';
import { STORAGE_VERSION_PATTERN } from '../warehouse/storage-version.js';
import { parseWith, zNumberish } from './config-values.js';
import { CONFIG_KEYS, modelConfigSchema } from './model-config.js';
import type { FolderConfig, ProjectSettings } from './types.js';
import { readYamlFile } from './yaml-file.js';
import type { YamlFile } from './yaml-file.js';

export const SETTINGS_FILE = 'pipeline.yml';

const settingsSchema = z
  .object({
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case identifier'),
    warehouse: z
      .object({
        path: z.string().min(1),
        threads: zNumberish.optional(),
        memory_limit: z
          .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().refine((v) => parseMemorySize(v) !== undefined, 'a size such as 4GB, 4GiB or 3500MB'))
          .optional(),
        temp_directory: z.string().optional(),
        publish_path: z.string().optional(),
        vacuum: z.enum(['batched', 'always']).optional(),
        storage_version: z
          .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(STORAGE_VERSION_PATTERN, 'a DuckDB storage version such as v1.3.0, or latest'))
          .optional(),
        vacuum_after_deleted: z
          .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage such as 100%'))
          .transform((v) => Number(v.slice(0, -1)) / 100)
          .optional(),
      })
      .strict(),
    target_path: z.string().default('target'),
    vars: z.record(z.string(), z.unknown()).default({}),
    models: z.record(z.string(), z.unknown()).default({}),
    seeds: z.object({ schema: z.string().default('seeds') }).strict().default({ schema: 'seeds' }),
  })
  .passthrough();

const OWN_KEYS = new Set(['name', 'warehouse', 'target_path', 'vars', 'models', 'seeds']);

/**
 * Reads `pipeline.yml`: project name, warehouse location and tuning, vars, folder defaults for models, and the
 * sections other layers own (`extract`, `exports`, `periods`, `pipeline`), which are passed through unvalidated
 * here and validated by their owners. `${ENV}` / `${ENV:-default}` are expanded in every string value.
 */
export async function loadSettings(root: string, env: NodeJS.ProcessEnv): Promise<ProjectSettings> {
  const absolute = join(root, SETTINGS_FILE);
  if (!existsSync(absolute)) {
    throw new ConfigError(`no ${SETTINGS_FILE} in ${root}`, {
      hint: 'run revrec from the project folder or pass --project-dir',
    });
  }
  const file = await readYamlFile(absolute, SETTINGS_FILE, env);
  const parsed = parseWith(settingsSchema, file.data ?? {}, file, []);
  checkFolderDefaults(parsed.models, file, ['models']);
  const sections: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) if (!OWN_KEYS.has(key)) sections[key] = value;
  const w = parsed.warehouse;
  return {
    name: parsed.name,
    warehouse: {
      path: w.path,
      ...(w.threads !== undefined ? { threads: w.threads } : {}),
      ...(w.memory_limit ? { memoryLimit: w.memory_limit } : {}),
      ...(w.temp_directory ? { tempDirectory: w.temp_directory } : {}),
      ...(w.publish_path ? { publishPath: w.publish_path } : {}),
      ...(w.vacuum ? { vacuum: w.vacuum } : {}),
      ...(w.storage_version ? { storageVersion: w.storage_version } : {}),
      ...(w.vacuum_after_deleted !== undefined ? { vacuumAfterDeleted: w.vacuum_after_deleted } : {}),
    },
    targetPath: parsed.target_path,
    vars: parsed.vars,
    modelDefaults: parsed.models,
    seedSchema: parsed.seeds.schema,
    sections,
  };
}

/**
 * Validates every config key of the `models:` folder tree once, here, where the file and line are known; otherwise a
 * typo such as `+materialised` would only surface later, once per model, without a location.
 */
function checkFolderDefaults(node: FolderConfig, file: YamlFile, keys: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('+') || CONFIG_KEYS.has(key)) {
      parseWith(modelConfigSchema, { [key.replace(/^\+/, '')]: value }, file, [...keys, key]);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      checkFolderDefaults(value as FolderConfig, file, [...keys, key]);
    }
  }
}
