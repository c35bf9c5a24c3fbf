import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench -- <name> [--flags]` runs `bench/<name>.ts`, whose `main(argv)` prints human lines and ends with one
 * JSON line of figures. Without a name, lists the benchmarks.
 */
const here = dirname(fileURLToPath(import.meta.url));
const available = (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
const [name, ...argv] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  process.stderr.write(`${name ? `unknown benchmark "${name}". ` : ''}usage: npm run bench -- <name> [--flags]\nbenchmarks: ${available.join(', ')}\n`);
  process.exitCode = 2;
} else {
  // A benchmark exports `main(argv)`; one that runs on import reads process.argv, so it sees its flags after argv[1].
  process.argv.splice(2, 1);
  const module = (await import(pathToFileURL(`${here}/${name}.ts`).href)) as { main?: (argv: string[]) => Promise<void> };
  if (typeof module.main === 'function') await module.main(argv);
}
