import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { faultPoint } from '../testing/fault-points.js';
import type { Warehouse } from './warehouse.js';

/**
 * Publishes the warehouse for analysts as a separate DuckDB file, replaced atomically: CHECKPOINT (everything in the
 * main file, the WAL empty), copy to a temporary sibling of the target, rename over the target. An analyst who has
 * the published file open keeps reading the old inode undisturbed and sees the new data after reopening; the
 * running warehouse is never opened by anyone else, so a reader never blocks a run.
 */
export async function publishWarehouse(wh: Warehouse, publishPath: string, root: string): Promise<{ path: string; bytes: number }> {
  const target = resolve(root, publishPath);
  if (target === wh.path) throw new Error('Unexpected: publish_path is the warehouse itself');
  await mkdir(dirname(target), { recursive: true });
  await wh.checkpoint();
  await removeDeadCopies(target);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await copyFile(wh.path, temp);
    faultPoint('publish.copied');
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const { size } = await import('node:fs').then((fs) => fs.statSync(target));
  return { path: target, bytes: size };
}

/**
 * A run killed while copying leaves its `<target>.<pid>.tmp` behind (a whole warehouse's size). Only the holder of
 * the warehouse lock publishes, so any such copy belongs to a dead run: removed before this run writes its own.
 */
async function removeDeadCopies(target: string): Promise<void> {
  const prefix = `${basename(target)}.`;
  for (const name of await readdir(dirname(target))) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? name.slice(prefix.length, -'.tmp'.length) : '';
    if (/^\d+$/.test(pid)) await rm(join(dirname(target), name), { force: true });
  }
}
