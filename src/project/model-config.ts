import { z } from 'zod';
import { zBooleanish, zStringList } from './config-values.js';
import type { FolderConfig, IncrementalStrategy, Materialization, ModelConfig } from './types.js';

/** The config keys a model accepts, in YAML (`config:`), folder defaults (`+key`) and `{{config key=value}}`. */
export const modelConfigSchema = z
  .object({
    materialized: z.enum(['view', 'table', 'incremental', 'ephemeral']).optional(),
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').optional(),
    alias: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').optional(),
    unique_key: zStringList.optional(),
    incremental_strategy: z.enum(['append', 'merge', 'delete+insert', 'replace_where']).optional(),
    replace_where: z.string().min(1).optional(),
    keep_unchanged_rows: zBooleanish.optional(),
    compute_in_temp: zBooleanish.optional(),
    tags: zStringList.optional(),
    enabled: zBooleanish.optional(),
    full_refresh: zBooleanish.optional(),
    full_refresh_if: z.string().min(1).optional(),
    pre_hook: zStringList.optional(),
    post_hook: zStringList.optional(),
    'pre-hook': zStringList.optional(),
    'post-hook': zStringList.optional(),
  })
  .strict();

export type RawModelConfig = z.infer<typeof modelConfigSchema>;
/** Keys that are config (not sub-folders) in folder defaults even without a leading `+`. */
export const CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(modelConfigSchema.shape));

/**
 * The folder defaults that apply to a model at `models/<a>/<b>/x.sql`, dbt_project style: keys starting with `+`
 * (or known config keys) are config, other keys are sub-folders. The project name may wrap the tree, as in dbt.
 * Tags accumulate down the tree; other keys are overridden by deeper folders.
 */
export function folderDefaults(tree: FolderConfig, projectName: string, folders: readonly string[]): RawModelConfig {
  const root = isFolderNode(tree[projectName]) && !CONFIG_KEYS.has(projectName) ? (tree[projectName] as FolderConfig) : tree;
  const merged: Record<string, unknown> = {};
  const tags: string[] = [];
  let node: FolderConfig | undefined = root;
  for (let depth = 0; node; depth++) {
    for (const [rawKey, value] of Object.entries(node)) {
      const key = rawKey.startsWith('+') ? rawKey.slice(1) : rawKey;
      if (!rawKey.startsWith('+') && !CONFIG_KEYS.has(rawKey)) continue;
      if (key === 'tags') tags.push(...(typeof value === 'string' ? [value] : (value as string[])));
      else merged[key] = value;
    }
    const next: string | undefined = folders[depth];
    node = next !== undefined && isFolderNode(node[next]) ? (node[next] as FolderConfig) : undefined;
  }
  if (tags.length) merged.tags = tags;
  return modelConfigSchema.parse(merged);
}

function isFolderNode(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Later layers win, except tags, which accumulate (as in dbt). */
export function mergeConfig(...layers: RawModelConfig[]): RawModelConfig {
  const out: RawModelConfig = {};
  const tags: string[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'tags') tags.push(...(value as string[]));
      else (out as Record<string, unknown>)[key] = value;
    }
  }
  if (tags.length) out.tags = [...new Set(tags)];
  return out;
}

/** Fills defaults: views, schema = the model's top folder under `models/` (one schema per layer). */
export function resolveConfig(raw: RawModelConfig, defaultSchema: string): ModelConfig {
  const materialized: Materialization = raw.materialized ?? 'view';
  const strategy: IncrementalStrategy = raw.incremental_strategy ?? (raw.unique_key?.length ? 'merge' : 'append');
  return {
    materialized,
    schema: raw.schema ?? defaultSchema,
    ...(raw.alias ? { alias: raw.alias } : {}),
    uniqueKey: raw.unique_key ?? [],
    incrementalStrategy: strategy,
    tags: raw.tags ?? [],
    enabled: raw.enabled ?? true,
    ...(raw.full_refresh !== undefined ? { fullRefresh: raw.full_refresh } : {}),
    ...(raw.full_refresh_if !== undefined ? { fullRefreshIf: raw.full_refresh_if } : {}),
    ...(raw.replace_where !== undefined ? { replaceWhere: raw.replace_where } : {}),
    ...(raw.keep_unchanged_rows ? { keepUnchangedRows: true } : {}),
    ...(raw.compute_in_temp ? { computeInTemp: true } : {}),
    preHook: [...(raw.pre_hook ?? []), ...(raw['pre-hook'] ?? [])],
    postHook: [...(raw.post_hook ?? []), ...(raw['post-hook'] ?? [])],
  };
}
