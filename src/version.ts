import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (one folder up from both src/ and dist/). */
export const REVREC_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
})();
