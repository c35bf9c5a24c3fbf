import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteLiteral } from '../compile/node-ids.js';

/** A run's local staging folder; files are written here with `COPY`, then delivered, then removed. */
export async function withStagingDir<T>(tempRoot: string | undefined, use: (dir: string) => Promise<T>): Promise<T> {
  const root = tempRoot ?? tmpdir();
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'revrec-export-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A UTC instant as a DuckDB TIMESTAMP literal (naive UTC, millisecond precision). */
export function timestampLiteral(instant: Date): string {
  return `CAST(${quoteLiteral(instant.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`;
}
