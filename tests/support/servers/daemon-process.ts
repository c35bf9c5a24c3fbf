import { execFile, spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

/**
 * Plumbing shared by the test servers: free ports, running a daemon in the foreground as our child (so the test
 * setup owns its PID), waiting until it answers, and stopping it with everything it forked.
 */

export const execFileAsync = promisify(execFile);

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a daemon started next binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A foreground daemon started by the tests, with the tail of its output for error messages. */
export interface Daemon {
  readonly child: ChildProcess;
  readonly label: string;
  /** Last 16 KiB of stdout + stderr. */
  output(): string;
  /** Exit code/signal once it exited, else undefined. */
  exited(): string | undefined;
  /** SIGTERM (then SIGKILL after `graceMs`) to it and every process it forked; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to it and every process it forked, at once (fault tests). */
  kill(): void;
}

const running = new Set<Daemon>();
// If the test process dies without teardown, take the daemons along rather than leaving them on the machine.
process.once('exit', () => {
  for (const daemon of running) daemon.kill();
});

/** Starts `command` in the foreground as a child of this process. */
export function startDaemon(label: string, command: string, args: readonly string[], options: SpawnOptions = {}): Daemon {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let tail = '';
  let exit: string | undefined;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => {
    exit = `failed to start: ${error.message}`;
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      running.delete(daemon);
      resolve();
    });
    child.once('error', () => resolve());
  });
  const signalTree = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    for (const pid of [...descendantPids(child.pid), child.pid]) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const daemon: Daemon = {
    child,
    label,
    output: () => tail,
    exited: () => exit,
    async stop(graceMs = 5_000) {
      if (exit !== undefined) return;
      signalTree('SIGTERM');
      const timer = setTimeout(() => signalTree('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
    kill() {
      if (exit === undefined) signalTree('SIGKILL');
    },
  };
  running.add(daemon);
  return daemon;
}

/** PIDs of every living descendant of `pid` (from /proc), deepest last. */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command, which is in parentheses and may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const c of children.get(parent) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Polls `probe` every `intervalMs` until it returns true; fails with the daemon's output if it exits or
 * `timeoutMs` passes.
 */
export async function waitUntil(
  daemon: Daemon,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = daemon.exited();
    if (exit !== undefined) throw new Error(`${daemon.label} ${exit} before ${what}:\n${daemon.output()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${daemon.label}: no ${what} after ${timeoutMs} ms:\n${daemon.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when something on host:port accepts a TCP connection and, if `banner` is given, sends a line starting with it. */
export function tcpAnswers(host: string, port: number, banner?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    // A daemon still starting may accept and close at once: no error, and a closed socket's idle timer never fires,
    // so without this the probe (and the test setup waiting on it) hung for good.
    socket.once('close', () => done(false));
    socket.once('connect', () => {
      if (banner === undefined) done(true);
    });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.length >= banner!.length) done(received.startsWith(banner!));
    });
  });
}
