import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Project-relative paths (forward slashes, sorted) of files under `dir` whose name ends with one of `extensions`. */
export async function listFiles(root: string, dir: string, extensions: readonly string[]): Promise<string[]> {
  const absolute = join(root, dir);
  let entries: string[];
  try {
    entries = await readdir(absolute, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => extensions.some((ext) => entry.endsWith(ext)))
    .map((entry) => relative(root, join(absolute, entry)).split(sep).join('/'))
    .sort();
}

/** `models/staging/orders/stg_orders.sql` → `stg_orders`. */
export function baseName(path: string, extension: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.endsWith(extension) ? file.slice(0, -extension.length) : file;
}

/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight: reading or writing the files of a 1,000-model
 * project all at once runs into the open-file limit (EMFILE) on a machine with `ulimit -n` 1024 or less.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many files the loaders and artifact writers keep open at once. */
export const FILE_CONCURRENCY = 32;
