import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { expect } from 'vitest';

import { RevrecError } from '../../../src/errors.js';
import type { RetryEvent } from '../../../src/transport/remote-store.js';

/** A temporary folder removed by the returned `cleanup`. */
export async function tempDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `revrec-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `bytes` random bytes (or the given text) to dir/name; returns path and SHA-256. */
export async function writeFixture(
  dir: string,
  name: string,
  content: number | string,
): Promise<{ file: string; sha256: string; bytes: number }> {
  const data = typeof content === 'number' ? randomBytes(content) : Buffer.from(content);
  const file = path.join(dir, name);
  await writeFile(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

/** A key prefix no other test (file, run) uses. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Collects retry events, for "no retry storm" and "retried once" assertions. */
export function retryRecorder(): { events: RetryEvent[]; onRetry: (event: RetryEvent) => void } {
  const events: RetryEvent[] = [];
  return { events, onRetry: (event) => events.push(event) };
}

/** Fast retries for tests: real back-off shape, tiny delays. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 } as const;

/** Awaits `promise`, expecting it to reject with a RevrecError subclass of `name`; returns it. */
export async function expectRejection(promise: Promise<unknown>, name = 'TransferError'): Promise<RevrecError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(RevrecError);
  expect((error as RevrecError).name).toBe(name);
  return error as RevrecError;
}

/**
 * Everything a log could show of an error (message, hint, describe(), stack, cause chain, own properties) must not
 * contain any of the secrets.
 */
export function expectNoSecrets(values: unknown[], secrets: string[]): void {
  const texts = values.map((value) => {
    const parts = [inspect(value, { depth: 20, showHidden: true, maxStringLength: null })];
    if (value instanceof RevrecError) parts.push(value.describe(), String(value.stack));
    try {
      parts.push(JSON.stringify(value));
    } catch {
      // circular: inspect covered it
    }
    return parts.join('\n');
  });
  for (const secret of secrets.filter((s) => s.length > 0)) {
    for (const text of texts) expect(text.includes(secret), `a secret leaked into: ${text.slice(0, 500)}`).toBe(false);
  }
}

/** Files in a local folder, recursively, relative; to prove no `.part-` leftovers. */
export async function localFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
