import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCollector } from './error-collector.js';
import { baseName, listFiles } from './files.js';
import type { MacroDef } from './types.js';

export const MACROS_DIR = 'macros';
const PARAMS = /^\s*\{\{!--\s*params:\s*([^-]*?)\s*--\}\}/;
const RESERVED = new Set(['ref', 'source', 'var', 'config', 'this', 'is_incremental', 'concat', 'literal', 'list', 'is_true', 'if', 'unless', 'each', 'with', 'lookup', 'log']);

/**
 * Loads `macros/*.hbs`. A macro's positional parameters are declared on its first line:
 * `{{!-- params: column, scale --}}`, so `{{to_decimal "amount" 2}}` renders the template with
 * `{column: "amount", scale: 2}`; named arguments (`scale=2`) work too.
 */
export async function loadMacros(root: string, errors: ErrorCollector): Promise<MacroDef[]> {
  const macros: MacroDef[] = [];
  for (const path of await listFiles(root, MACROS_DIR, ['.hbs'])) {
    const name = baseName(path, '.hbs');
    if (RESERVED.has(name)) {
      errors.add(`macro name "${name}" is reserved`, { file: path }, 'rename the file');
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      errors.add(`macro name "${name}" must be an identifier`, { file: path });
      continue;
    }
    const template = await readFile(join(root, path), 'utf8');
    const params = PARAMS.exec(template)?.[1]?.split(',').map((p) => p.trim()).filter(Boolean) ?? [];
    macros.push({ name, path, template, params });
  }
  return macros;
}
