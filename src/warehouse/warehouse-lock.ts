import { linkSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { WarehouseLockedError } from '../errors.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
}

/**
 * One writer at a time. DuckDB itself refuses a second process, but with a lock stack trace and only once the file
 * is opened; this lock file (`<warehouse>.lock`, created whole or not at all) lets a second `revrec` exit at once with a
 * message naming the holder. A lock left by a process that no longer exists on this host (a SIGKILLed run) is stale
 * and taken over, so a crashed run never blocks the next one.
 */
export class WarehouseLock {
  private released = false;
  private readonly onExit = () => {
    heldInProcess.delete(this.path);
    this.release();
  };

  private constructor(readonly path: string, readonly holder: LockHolder) {
    process.once('exit', this.onExit);
  }

  static acquire(warehousePath: string, command: string): WarehouseLock {
    const path = `${warehousePath}.lock`;
    const held = heldInProcess.get(path);
    if (held) {
      // Re-entrant inside one process (a pipeline step opening the warehouse its caller already holds).
      held.refs++;
      return held.lock;
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
    removeDeadDrafts(path);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        createWithContent(path, `${JSON.stringify(holder)}\n`);
        const lock = new WarehouseLock(path, holder);
        heldInProcess.set(path, { lock, refs: 1 });
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = readHolder(path) ?? awaitHolder(path);
        if (current && isAlive(current)) throw lockedError(warehousePath, current);
        // A lock file is empty for a moment between its creation and the write of its holder: a young unreadable
        // lock belongs to a process that is starting, not to a crashed one.
        if (!current && isYoung(path)) throw lockedError(warehousePath, undefined);
        // Stale (holder gone) or unreadable for a while (crashed while writing): remove and try again.
        try {
          unlinkSync(path);
        } catch {
          /* another process may have removed it first */
        }
      }
    }
    throw lockedError(warehousePath, readHolder(path));
  }

  release(): void {
    const held = heldInProcess.get(this.path);
    if (held && --held.refs > 0) return;
    heldInProcess.delete(this.path);
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      const current = readHolder(this.path);
      if (current?.pid === this.holder.pid && current.host === this.holder.host) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

const heldInProcess = new Map<string, { lock: WarehouseLock; refs: number }>();

/**
 * Creates `path` holding `text`, or fails with EEXIST, atomically: the text is written to a draft first and
 * hard-linked into place, so the lock file never exists empty (a run killed between creating and writing it would
 * otherwise leave an unreadable lock that blocks the next run until it is old enough to be taken over).
 */
function createWithContent(path: string, text: string): void {
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, text);
  try {
    linkSync(draft, path);
  } finally {
    unlinkSync(draft);
  }
}

/** Drafts of processes that no longer exist (killed between writing a draft and removing it). */
function removeDeadDrafts(path: string): void {
  const prefix = `${basename(path)}.`;
  let names: string[] = [];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith('.draft') ? Number(name.slice(prefix.length, -'.draft'.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !processExists(pid)) {
      try {
        unlinkSync(join(dirname(path), name));
      } catch {
        /* removed by another process */
      }
    }
  }
}

export function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Seconds an unreadable lock file is still taken as being written by a process that is starting. */
const UNREADABLE_GRACE_MS = 5_000;

/**
 * Two runs started together: the loser may find the winner's lock file created but its holder not yet written (a few
 * microseconds). Waits for it a little (synchronously, like the rest of `acquire`), so the refusal can name the holder.
 */
function awaitHolder(path: string): LockHolder | undefined {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < HOLDER_WAIT_TRIES && isYoung(path); i++) {
    Atomics.wait(pause, 0, 0, 10);
    const holder = readHolder(path);
    if (holder) return holder;
  }
  return undefined;
}

/** Tries of 10 ms for {@link awaitHolder}. */
const HOLDER_WAIT_TRIES = 50;

function isYoung(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < UNREADABLE_GRACE_MS;
  } catch {
    return false;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot check another host: assume alive
  return holder.pid === process.pid || processExists(holder.pid);
}

/** Whether a process with this pid runs on this host (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockedError(warehousePath: string, holder: LockHolder | undefined): WarehouseLockedError {
  const who = holder ? `pid ${holder.pid} on ${holder.host}, running "${holder.command}" since ${holder.startedAt}` : 'another process';
  return new WarehouseLockedError(`the warehouse ${warehousePath} is in use by ${who}`, {
    hint: 'wait for that run to finish (or stop it), then try again; analysts should open the published copy instead',
  });
}
