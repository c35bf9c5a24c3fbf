import { resolve } from 'node:path';
import { ErrorCollector } from './error-collector.js';
import { loadMacros } from './macro-loader.js';
import { loadModels } from './model-loader.js';
import { loadSeeds } from './seed-loader.js';
import { loadSettings } from './settings-loader.js';
import { loadSingularTests } from './singular-test-loader.js';
import { loadSources } from './source-loader.js';
import type { Project, ProjectSettings } from './types.js';

/**
 * Loads and validates a project folder into a read-only {@link Project}. Every problem in every file is collected
 * before a single CompileError is thrown, so one run shows them all. `loadedSettings`: pipeline.yml as
 * `loadSettings(root, env)` read it already (a command that opens the warehouse with them while the rest loads).
 */
export async function loadProject(projectDir: string, env: NodeJS.ProcessEnv = process.env, loadedSettings?: ProjectSettings): Promise<Project> {
  const root = resolve(projectDir);
  const settings = loadedSettings ?? (await loadSettings(root, env));
  const errors = new ErrorCollector();
  const [models, seeds, sourceResult, singularTests, macros] = await Promise.all([
    loadModels(root, settings, env, errors),
    loadSeeds(root, settings.seedSchema, env, errors),
    loadSources(root, env, errors),
    loadSingularTests(root, errors),
    loadMacros(root, errors),
  ]);
  errors.throwIfAny();
  const sections: Record<string, unknown> = { ...settings.sections };
  for (const [key, values] of Object.entries(sourceResult.sections)) {
    const existing = sections[key];
    sections[key] = Array.isArray(existing) ? [...existing, ...values] : existing === undefined ? values : [existing, ...values];
  }
  return deepFreeze({
    root,
    settings: { ...settings, sections },
    models: models.filter((m) => m.config.enabled),
    seeds,
    sources: sourceResult.sources,
    singularTests,
    macros,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
