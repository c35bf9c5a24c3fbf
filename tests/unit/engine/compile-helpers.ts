import { CompileError, RevrecError } from '../../../src/errors.js';
import { compileProject } from '../../../src/compile/compiler.js';
import type { CompileOptions } from '../../../src/compile/compiler.js';
import type { CompiledGraph } from '../../../src/compile/graph-types.js';
import { loadProject } from '../../../src/project/load-project.js';
import type { Project } from '../../../src/project/types.js';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureOptions, ProjectFiles } from '../../support/fixture-project.js';

/** Writes a fixture project, loads it and removes the folder again. */
export async function loadFixture(files: ProjectFiles, options: FixtureOptions & { env?: NodeJS.ProcessEnv } = {}): Promise<Project> {
  const fixture = await createFixtureProject(files, options);
  try {
    return await loadProject(fixture.dir, options.env ?? {});
  } finally {
    await fixture.cleanup();
  }
}

/** Loads and compiles a fixture project (no database). */
export async function compileFixture(
  files: ProjectFiles,
  options: FixtureOptions & { env?: NodeJS.ProcessEnv } & CompileOptions = {},
): Promise<CompiledGraph> {
  const project = await loadFixture(files, options);
  return compileProject(project, options.vars ? { vars: options.vars } : {});
}

/** Runs `fn` and returns the error it throws (fails the test when nothing is thrown). */
export async function errorOf<E extends Error = RevrecError>(fn: () => unknown): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return error as E;
  }
  throw new Error('expected an error, none was thrown');
}

/** The CompileError thrown by loading/compiling `files`. */
export async function compileErrorOf(files: ProjectFiles, options: FixtureOptions & { env?: NodeJS.ProcessEnv } & CompileOptions = {}): Promise<CompileError> {
  const error = await errorOf(() => compileFixture(files, options));
  if (!(error instanceof CompileError)) throw new Error(`expected a CompileError, got ${String(error)}`);
  return error;
}

/** Normalises whitespace so SQL can be compared without caring about line breaks. */
export function squash(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
