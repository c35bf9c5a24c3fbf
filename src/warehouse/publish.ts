import { statSync } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ExecutionError, messageOf } from '../errors.js';
import { faultPoint } from '../testing/fault-points.js';
import { patchFile } from './file-patch.js';
import { NO_EXTENSION_DOWNLOADS } from './warehouse.js';
import type { Warehouse } from './warehouse.js';

export interface PublishResult {
  readonly path: string;
  readonly bytes: number;
  /** `patched`: the older of the two copies brought up to date in place; `copied`: a whole new copy. */
  readonly how: 'patched' | 'copied';
  /** Bytes written to disk for this publish. */
  readonly written: number;
}

/**
 * Publishes the warehouse for analysts as a separate DuckDB file, replaced atomically. Two hidden copies sit next
 * to `publish_path` (`.<name>.a`, `.<name>.b`); `publish_path` is a hard link to the newer one. A publish:
 * 1. CHECKPOINT (everything in the main file, the WAL empty);
 * 2. brings the *other* copy up to date: patched in place, rewriting only the 256 KiB pieces that differ from the
 *    warehouse (about a tenth of the file after a day's run), or copied whole when it is missing, or when a process
 *    still has it open (an analyst who opened `publish_path` two publishes ago: DuckDB's file lock tells), or when it
 *    has another link;
 * 3. flushes it to disk, links it to a temporary name and renames that over `publish_path` (and flushes the folder).
 * An analyst who has the published file open keeps reading the old inode undisturbed and sees the new data after
 * reopening; the running warehouse is never opened by anyone else, so a reader never blocks a run. A run killed in
 * step 2 leaves the other copy half patched; `publish_path` still names the good one, and the next publish finishes
 * the patch (it trusts nothing but the bytes).
 */
export async function publishWarehouse(wh: Warehouse, publishPath: string, root: string): Promise<PublishResult> {
  const target = resolve(root, publishPath);
  if (target === wh.path) throw new Error('Unexpected: publish_path is the warehouse itself');
  await mkdir(dirname(target), { recursive: true });
  await wh.checkpoint();
  await removeDeadCopies(target);
  const copy = await olderCopy(target);
  let how: PublishResult['how'] = 'patched';
  let written: number;
  try {
    if (await patchable(copy)) {
      written = patchFile(wh.path, copy).written;
    } else {
      how = 'copied';
      await rm(copy, { force: true }); // a reader of the old inode keeps it
      await copyFile(wh.path, copy);
      written = statSync(copy).size;
    }
    // On disk before the rename makes it the published file: after a power cut, publish_path names a whole copy.
    // (A delayed write error, ENOSPC or EIO, surfaces here: it gets the same message as a failed copy.)
    await flushFile(copy);
  } catch (error) {
    // A failed write (a full disk: "ENOSPC … write") does not name the file; say which, and what to do.
    throw new ExecutionError(`publishing ${target}: could not bring its copy ${copy} up to date: ${messageOf(error)}`, {
      hint: `analysts keep the previous copy; the folder needs room for two copies of the warehouse (${Math.ceil(statSync(wh.path).size / 1024 ** 2)} MiB each): free space there or set warehouse.publish_path to another folder, then run revrec pipeline --steps publish`,
      cause: error,
    });
  }
  faultPoint('publish.copied');
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await linkOrCopy(copy, temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  try {
    await flushFolder(dirname(target)); // the rename itself
  } catch (error) {
    // An EIO here does not name the folder; the new copy is in place, but the rename may not survive a power cut.
    throw new ExecutionError(`publishing ${target}: the new copy is in place, but its folder ${dirname(target)} could not be flushed to disk: ${messageOf(error)}`, {
      hint: 'the disk reported an error: check it (the system log, free space), then run revrec pipeline --steps publish again',
      cause: error,
    });
  }
  return { path: target, bytes: statSync(target).size, how, written };
}

/** Flushes a file's data to disk (fsync); used by the bench's bare publish too, so both sides do the same work. */
export async function flushFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a folder's entries (a rename in it) to disk. A filesystem or platform that cannot sync a folder (EINVAL,
 * EISDIR, EPERM) is left as it is: the file's own data was flushed before the rename.
 */
async function flushFolder(path: string): Promise<void> {
  try {
    await flushFile(path);
  } catch (error) {
    if (!['EINVAL', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}

/** Filesystems without hard links (some network and FAT mounts) refuse link() with these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * A hard link to the copy, or on a filesystem without hard links a whole copy of it (correct, but every publish then
 * writes the whole file once more).
 */
async function linkOrCopy(copy: string, temp: string): Promise<void> {
  try {
    await link(copy, temp);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await copyFile(copy, temp);
  }
}

/** The copy `publish_path` does not name (the first one when it names neither). */
async function olderCopy(target: string): Promise<string> {
  const [a, b] = ['a', 'b'].map((suffix) => join(dirname(target), `.${basename(target)}.${suffix}`)) as [string, string];
  const [published, first] = await Promise.all([stat(target).catch(() => undefined), stat(a).catch(() => undefined)]);
  return published && first && published.ino === first.ino && published.dev === first.dev ? b : a;
}

/**
 * True when the copy can be rewritten in place: it exists, has no other link, and no process has it open. DuckDB
 * readers hold a shared lock on the file, so opening it for writing fails while one does (it takes about 40 ms on a
 * 2 GB file otherwise). A file DuckDB cannot open (a half-patched copy) is copied anew, which is as safe.
 */
async function patchable(copy: string): Promise<boolean> {
  const info = await stat(copy).catch(() => undefined);
  if (!info?.isFile() || info.nlink !== 1) return false;
  try {
    const instance = await DuckDBInstance.create(copy, { ...NO_EXTENSION_DOWNLOADS, access_mode: 'READ_WRITE' });
    instance.closeSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * A run killed while publishing can leave its `<target>.<pid>.tmp` behind (a link to a copy). Only the holder of
 * the warehouse lock publishes, so any such file belongs to a dead run: removed before this run makes its own.
 */
async function removeDeadCopies(target: string): Promise<void> {
  const prefix = `${basename(target)}.`;
  for (const name of await readdir(dirname(target))) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? name.slice(prefix.length, -'.tmp'.length) : '';
    if (/^\d+$/.test(pid)) await rm(join(dirname(target), name), { force: true });
  }
}
