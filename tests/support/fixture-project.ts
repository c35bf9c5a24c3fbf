import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Files of a project, dbt's fixture style: project-relative path → content. */
export type ProjectFiles = Readonly<Record<string, string>>;

/** A project written into its own temp folder; `cleanup()` removes the folder (call it in `afterEach`/`finally`). */
export interface FixtureProject {
  readonly dir: string;
  /** Absolute path of a file inside the project. */
  path(...parts: string[]): string;
  /** Writes (or overwrites) more files; a `null` content deletes the file. */
  write(files: Readonly<Record<string, string | null>>): Promise<void>;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  /** Project name in the default pipeline.yml. */
  readonly name?: string;
  /** Extra YAML appended to the default pipeline.yml (ignored when `files` has its own pipeline.yml). */
  readonly pipelineExtra?: string;
  /** Warehouse path in the default pipeline.yml, relative to the project. */
  readonly warehousePath?: string;
}

/**
 * Writes `files` into a fresh temp folder. Without a `pipeline.yml` in `files`, a minimal one is added: project
 * `fixture`, warehouse `warehouse.duckdb` inside the folder, one DuckDB thread (tests run beside other agents).
 * Contents go through {@link dedent}, so tests can indent inline YAML and SQL with the code.
 */
export async function createFixtureProject(files: ProjectFiles, options: FixtureOptions = {}): Promise<FixtureProject> {
  const dir = await mkdtemp(join(tmpdir(), 'revrec-fixture-'));
  const project: FixtureProject = {
    dir,
    path: (...parts) => join(dir, ...parts),
    async write(more) {
      for (const [path, content] of Object.entries(more)) {
        const absolute = join(dir, path);
        if (content === null) {
          await rm(absolute, { force: true });
          continue;
        }
        await mkdir(dirname(absolute), { recursive: true });
        await writeFile(absolute, dedent(content));
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  const all: Record<string, string> = { ...files };
  if (all['pipeline.yml'] === undefined) all['pipeline.yml'] = defaultPipeline(options);
  await project.write(all);
  return project;
}

/** The pipeline.yml a fixture gets when it brings none. */
export function defaultPipeline(options: FixtureOptions = {}): string {
  return [
    `name: ${options.name ?? 'fixture'}`,
    'warehouse:',
    `  path: ${options.warehousePath ?? 'warehouse.duckdb'}`,
    '  threads: 1',
    options.pipelineExtra ? dedent(options.pipelineExtra) : '',
  ].join('\n');
}

/**
 * Removes the indentation common to every non-blank line and a leading newline, so
 * `` `\n    models:\n      - name: a` `` becomes `models:\n  - name: a`. Tabs are not expanded.
 */
export function dedent(text: string): string {
  const body = text.replace(/^\n/, '');
  const indents = body
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^ */.exec(line)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return body
    .split('\n')
    .map((line) => line.slice(Math.min(cut, /^ */.exec(line)![0].length)))
    .join('\n');
}
