import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCollector } from './error-collector.js';
import { baseName, listFiles } from './files.js';
import type { Severity, SingularTestDef } from './types.js';

export const DATA_TESTS_DIR = 'data-tests';
const HEADER = /--\s*(severity|tags)\s*:\s*(.+)$/gim;

/**
 * Loads singular data tests: `data-tests/**.sql`, each a query whose rows are failures (dbt's singular tests).
 * Optional header comments: `-- severity: warn`, `-- tags: marts, identities`.
 */
export async function loadSingularTests(root: string, errors: ErrorCollector): Promise<SingularTestDef[]> {
  const tests: SingularTestDef[] = [];
  for (const path of await listFiles(root, DATA_TESTS_DIR, ['.sql'])) {
    const rawSql = await readFile(join(root, path), 'utf8');
    let severity: Severity = 'error';
    const tags: string[] = [];
    for (const match of rawSql.matchAll(HEADER)) {
      const value = match[2]!.trim();
      if (match[1]!.toLowerCase() === 'severity') {
        if (value !== 'warn' && value !== 'error') errors.add(`severity must be warn or error, got "${value}"`, { file: path });
        else severity = value;
      } else tags.push(...value.split(',').map((t) => t.trim()).filter(Boolean));
    }
    tests.push({ kind: 'singular_test', name: baseName(path, '.sql'), path, rawSql, severity, tags });
  }
  return tests;
}
