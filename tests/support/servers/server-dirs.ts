import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Temporary folders of the test servers (config, keys, data, logs). Each holds the PID of the test process that made
 * it; folders whose owner is gone (a run killed by a signal skips its teardown) are removed when the next server of
 * that kind starts, and the exit handler removes the current run's folders if teardown did not.
 */

export type ServerKind = 'sshd' | 's3rver' | 'ceph';

const OWNER_FILE = '.revrec-owner-pid';
const live = new Set<string>();
process.once('exit', () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});

/** A new `/tmp/revrec-<kind>-XXXXXX` owned by this process (after sweeping stale ones of the same kind). */
export async function createServerDir(kind: ServerKind): Promise<string> {
  await sweepStale(os.tmpdir(), `revrec-${kind}-`, async (dir) => !ownerAlive(await ownerPid(dir)));
  const dir = await mkdtemp(path.join(os.tmpdir(), `revrec-${kind}-`));
  await writeFile(path.join(dir, OWNER_FILE), String(process.pid));
  live.add(dir);
  return dir;
}

/** Removes a folder made by {@link createServerDir}. */
export async function removeServerDir(dir: string): Promise<void> {
  live.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/**
 * Removes entries of `parent` starting with `prefix` that are older than a minute (never one being set up right now)
 * and for which `isStale` says so.
 */
export async function sweepStale(parent: string, prefix: string, isStale: (dir: string) => Promise<boolean>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const dir = path.join(parent, name);
    try {
      if (Date.now() - (await stat(dir)).mtimeMs < 60_000) continue;
      if (await isStale(dir)) await rm(dir, { recursive: true, force: true });
    } catch {
      // removed meanwhile by a parallel run
    }
  }
}

/** True when a test-server folder with this name suffix still exists in the temp folder (sshd's per-run root dirs). */
export function serverDirExists(kind: ServerKind, suffix: string): boolean {
  return readdirSync(os.tmpdir()).includes(`revrec-${kind}-${suffix}`);
}

async function ownerPid(dir: string): Promise<number | undefined> {
  try {
    return Number((await readFile(path.join(dir, OWNER_FILE), 'utf8')).trim());
  } catch {
    return undefined;
  }
}

function ownerAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
