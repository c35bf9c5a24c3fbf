import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

import { REPO_ROOT } from './revrec-process.js';

/** What a reliability project changes in the shipped project (everything else is the real models, seeds, tests). */
export interface ProjectOptions {
  /** The `extract:` list; default the shipped local `inbox` source (REVREC_INBOX). */
  readonly extract?: readonly object[];
  /** The `exports:` section; default the shipped one (CSV to REVREC_OUTBOX, close-period and continuous). */
  readonly exports?: object;
}

/**
 * Copies the shipped project (pipeline.yml, models, macros, seeds, sources, data tests) into `dir`, with
 * `target_path` read from REVREC_TARGET so several runs can share one project folder and keep their state apart
 * (see {@link stateEnv}).
 */
export async function createProject(dir: string, options: ProjectOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const part of ['models', 'macros', 'seeds', 'sources', 'data-tests']) await cp(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  const pipeline = parse(await readFile(join(REPO_ROOT, 'pipeline.yml'), 'utf8')) as Record<string, unknown>;
  pipeline.target_path = '${REVREC_TARGET:-target}';
  if (options.exports) pipeline.exports = options.exports;
  await writeFile(join(dir, 'pipeline.yml'), stringify(pipeline));
  if (options.extract) {
    const raw = parse(await readFile(join(dir, 'sources/raw.yml'), 'utf8')) as Record<string, unknown>;
    delete raw.extract;
    await writeFile(join(dir, 'sources/raw.yml'), stringify(raw));
    await writeFile(join(dir, 'sources/extract.yml'), stringify({ extract: options.extract }));
  }
  return dir;
}

/**
 * The environment of one line of runs: its warehouse, published copy, outbox, artifacts and temporary files all
 * under `stateDir` (TMPDIR too, so what a killed run leaves behind stays countable), one DuckDB thread, a pinned
 * clock.
 */
export function stateEnv(stateDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    REVREC_WAREHOUSE: join(stateDir, 'warehouse', 'revrec.duckdb'),
    REVREC_PUBLISH_PATH: join(stateDir, 'warehouse', 'published.duckdb'),
    REVREC_TEMP_DIR: join(stateDir, 'warehouse', 'tmp'),
    REVREC_OUTBOX: join(stateDir, 'outbox'),
    REVREC_TARGET: join(stateDir, 'target'),
    REVREC_INBOX: join(stateDir, 'inbox'),
    REVREC_THREADS: '1',
    REVREC_MEMORY_LIMIT: '1GB',
    REVREC_FIRST_PERIOD: '202401',
    REVREC_NOW: '2024-04-01T08:00:00Z',
    TMPDIR: join(stateDir, 'tmp'),
    ...extra,
  };
}

/** Creates the folders {@link stateEnv} points at that must exist before a run (TMPDIR). */
export async function prepareState(stateDir: string): Promise<void> {
  await mkdir(join(stateDir, 'tmp'), { recursive: true });
}
