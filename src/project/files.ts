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
