import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { YamlFile } from './yaml-file.js';

/** A number that may arrive as a string after `${ENV}` expansion. */
export const zNumberish = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** A boolean that may arrive as a string after `${ENV}` expansion. */
export const zBooleanish = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'yes', 'no', '1', '0']).transform((v) => v === 'true' || v === 'yes' || v === '1'),
]);

/** One string or a list of strings (dbt accepts both for tags, unique_key, hooks). */
export const zStringList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? [v] : v));

/**
 * Validates `value` (found at `keys` inside `file`) against a zod schema; every issue becomes a ConfigError with the
 * file and the line of the offending key.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: YamlFile, keys: (string | number)[]): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...keys, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  const line = file.lineOf(path) ?? file.lineOf(keys);
  throw new ConfigError(`${path.join('.') || 'file'}: ${issue.message}`, {
    location: { file: file.path, ...(line ? { line } : {}) },
  });
}
