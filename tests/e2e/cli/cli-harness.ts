import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO_ROOT, 'bin/revrec.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/revrec.js …args` to completion; never rejects on a non-zero exit. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; shell?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    // With `shell`, `args` go to that program instead (for `ulimit … && exec node bin/revrec.js …`).
    const child = spawn(options.shell ?? process.execPath, options.shell ? [...args] : [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Starts a node child running `script` (ESM source) and resolves once it prints `ready`. */
export function startChild(scriptPath: string, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [scriptPath, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolvePromise(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}: ${err}`)));
  });
}

/** Waits for a child to end, after a signal. */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

/**
 * The e2e tests run the compiled CLI (`dist/`). Fails early with what to do when it was never built, and warns when
 * an engine source is newer than the build (the tests would exercise old code).
 */
export async function assertCliBuilt(): Promise<void> {
  const main = join(REPO_ROOT, 'dist/cli/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` before the e2e tests`);
  const built = statSync(main).mtimeMs;
  for (const dir of ['cli', 'compile', 'plan', 'project', 'reporter', 'run', 'warehouse']) {
    for (const file of await readdir(join(REPO_ROOT, 'src', dir), { recursive: true })) {
      if (file.endsWith('.ts') && statSync(join(REPO_ROOT, 'src', dir, file)).mtimeMs > built) {
        console.warn(`src/${dir}/${file} is newer than dist/: run \`npm run build\` so the e2e tests see it`);
        return;
      }
    }
  }
}

/** Every non-empty line of `text`, parsed as JSON (throws on a line that is not JSON). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}
