import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO_ROOT, 'bin/revrec.js');

/** How one `revrec` process ended. */
export interface RevrecRun {
  readonly args: readonly string[];
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** True when this harness sent the SIGKILL (a time-based crash), false when the process ended by itself. */
  readonly killedByTest: boolean;
}

export interface RunOptions {
  /** Variables on top of PATH, HOME and NO_COLOR (nothing else of the test process leaks in). */
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILL the process this many ms after it started (a crash at a random moment). */
  readonly killAfterMs?: number;
  /** SIGKILL once stdout contains this text (a crash right after a logged event). */
  readonly killOnOutput?: string;
  /** Safety net: SIGKILL after this long and report it (default 180 s). */
  readonly timeoutMs?: number;
  /** Called with the child's pid as soon as it is started. */
  readonly onSpawn?: (pid: number) => void;
}

/** Runs the compiled CLI (`node bin/revrec.js …args`) to its end; never rejects on a non-zero exit or a signal. */
export function runRevrec(args: readonly string[], options: RunOptions = {}): Promise<RevrecRun> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let killedByTest = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) {
        killedByTest = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.killOnOutput && stdout.includes(options.killOnOutput)) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timers = [setTimeout(kill, options.timeoutMs ?? 180_000)];
    if (options.killAfterMs !== undefined) timers.push(setTimeout(kill, options.killAfterMs));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      resolvePromise({ args, code, signal, stdout, stderr, ms: Math.round(performance.now() - started), killedByTest });
    });
  });
}

/** A short description of a run for assertion messages: the command, how it ended, and the tail of its output. */
export function describeRun(run: RevrecRun): string {
  const tail = (text: string) => text.split('\n').filter(Boolean).slice(-12).join('\n');
  return `revrec ${run.args.join(' ')} → ${run.signal ?? `exit ${run.code}`} after ${run.ms} ms\n--- stdout (tail)\n${tail(run.stdout)}\n--- stderr (tail)\n${tail(run.stderr)}`;
}
