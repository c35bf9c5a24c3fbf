import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { interpolateDeep } from './env-interpolation.js';

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
  return { ...file, data: interpolateDeep(file.data, env, displayPath) };
}

export function parseYamlText(text: string, displayPath: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
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
