import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under `dir` (relative paths, `/`-separated, sorted); an absent folder has none. */
export async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/** A name a writer uses for bytes in flight (`.name.part-…`, `.name.part`, `*.tmp`): never a finished file. */
export function isTemporaryName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.startsWith('.') || base.endsWith('.tmp');
}

/** The differences between two folders: files only one has, and files whose bytes differ. Temporary names are left out and returned apart. */
export async function compareTrees(expectedDir: string, actualDir: string): Promise<{ differences: string[]; leftovers: string[]; compared: number }> {
  const expected = (await listFiles(expectedDir)).filter((f) => !isTemporaryName(f));
  const all = await listFiles(actualDir);
  const actual = all.filter((f) => !isTemporaryName(f));
  const differences: string[] = [];
  for (const f of expected) if (!actual.includes(f)) differences.push(`missing ${f}`);
  for (const f of actual) if (!expected.includes(f)) differences.push(`unexpected ${f}`);
  let compared = 0;
  for (const f of expected.filter((e) => actual.includes(e))) {
    const [a, b] = await Promise.all([readFile(join(expectedDir, f)), readFile(join(actualDir, f))]);
    compared++;
    if (!a.equals(b)) differences.push(`${f} differs (${a.length} vs ${b.length} bytes)`);
  }
  return { differences, leftovers: all.filter(isTemporaryName), compared };
}
