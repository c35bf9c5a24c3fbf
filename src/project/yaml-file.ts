import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { interpolateEnv } from './env-interpolation.js';

/** A parsed YAML file with a way to find the line of a path inside it, for errors that point at the right place. */
export interface YamlFile {
  readonly path: string;
  readonly data: unknown;
  lineOf(keys: readonly (string | number)[]): number | undefined;
}

/**
 * Reads a YAML file and expands `${ENV}` / `${ENV:-default}` inside its string values. Expansion happens after
 * parsing, so a value such as a password containing `#` or `: ` cannot change the YAML structure; numbers and
 * booleans that arrive as strings are coerced by the schema readers (`config-values.ts`).
 */
export async function readYamlFile(absolutePath: string, displayPath: string, env: NodeJS.ProcessEnv): Promise<YamlFile> {
  const file = parseYamlText(await readFile(absolutePath, 'utf8'), displayPath);
  return { ...file, data: interpolateAt(file, file.data, [], env) };
}

/** Like `interpolateDeep`, but an unset variable is reported at the line of the YAML value that uses it. */
function interpolateAt(file: YamlFile, value: unknown, keys: (string | number)[], env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    try {
      return interpolateEnv(value, env, file.path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The error's line counts inside the string; the value's own line in the file is what a person needs.
      const line = (file.lineOf(keys) ?? 1) + (error.location.line ?? 1) - 1;
      throw new ConfigError(error.message, { location: { file: file.path, line }, ...(error.hint ? { hint: error.hint } : {}) });
    }
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateAt(file, item, [...keys, i], env));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateAt(file, item, [...keys, key], env);
    return out;
  }
  return value;
}

export function parseYamlText(text: string, displayPath: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    // linePos is only filled in with prettyErrors; the offset is always there.
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line;
    throw new ConfigError(`invalid YAML: ${first.message.split('\n')[0]}`, {
      location: { file: displayPath, ...(line ? { line } : {}) },
    });
  }
  return {
    path: displayPath,
    data: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(keys) {
      const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0];
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}
