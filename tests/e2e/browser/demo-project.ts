import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../cli/cli-harness.js';

/** The project files a copy of the real project needs (its models, seeds, sources, macros and settings). */
const PROJECT_FILES = ['pipeline.yml', 'models', 'seeds', 'sources', 'macros', 'data-tests'];

export interface DemoProject {
  readonly dir: string;
  readonly warehouse: string;
  readonly env: NodeJS.ProcessEnv;
  /** `node bin/revrec.js …args --project-dir <dir>`; throws with the output when the exit code is not `expect`. */
  cli(args: readonly string[], expect?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/**
 * A copy of the real project in a temp folder with the demo company (a small one: `contracts`) landed, built and
 * `closes` periods closed, as scripts/demo.sh does; everything (inbox, warehouse, target/) stays inside the folder.
 * Takes ~10 s per close on a busy 2-core machine.
 */
export async function createDemoProject(options: { contracts?: number; closes?: number } = {}): Promise<DemoProject> {
  const dir = await mkdtemp(join(tmpdir(), 'revrec-demo-'));
  for (const file of PROJECT_FILES) if (existsSync(join(REPO_ROOT, file))) await cp(join(REPO_ROOT, file), join(dir, file), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    REVREC_INBOX: join(dir, 'inbox'),
    REVREC_OUTBOX: join(dir, 'outbox'),
    REVREC_WAREHOUSE: join(dir, 'warehouse', 'revrec.duckdb'),
    REVREC_PUBLISH_PATH: join(dir, 'warehouse', 'revrec-published.duckdb'),
    REVREC_TEMP_DIR: join(dir, 'warehouse', 'tmp'),
    REVREC_FIRST_PERIOD: '202401',
    REVREC_NOW: '2024-04-02T06:00:00Z',
    REVREC_THREADS: '1',
  };
  const project: DemoProject = {
    dir,
    warehouse: env.REVREC_WAREHOUSE!,
    env,
    async cli(args, expect = 0) {
      const result = await runCli([...args, '--project-dir', dir, '--log-format', 'text'], { env, timeoutMs: 120_000 });
      if (result.code !== expect) throw new Error(`revrec ${args.join(' ')} exited ${result.code} (expected ${expect}):\n${result.stdout}\n${result.stderr}`);
      return result;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await project.cli(['sample', '--out', env.REVREC_INBOX!, '--contracts', String(options.contracts ?? 30)]);
    await project.cli(['extract']);
    const closes = options.closes ?? 2;
    if (closes === 0) await project.cli(['build']);
    for (let i = 0; i < closes; i++) await project.cli(['period', 'close', '--force']);
  } catch (error) {
    await project.cleanup();
    throw error;
  }
  return project;
}
