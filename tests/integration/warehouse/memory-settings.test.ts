import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, expect, it } from 'vitest';

import { Warehouse } from '../../../src/warehouse/warehouse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-memory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('opens DuckDB with its share of memory_limit and an allocator that hands freed memory back', async () => {
  const wh = await Warehouse.open({ path: join(dir, 'w.duckdb'), threads: 2, memoryLimit: '4GiB' });
  try {
    const setting = async (name: string) => String(await wh.scalar(`SELECT current_setting('${name}')::VARCHAR`));
    expect(await setting('memory_limit')).toBe('2.7 GiB'); // 70 % of 4 GiB: 2867 MiB
    expect(await setting('allocator_background_threads')).toBe('true');
    expect(await setting('allocator_flush_threshold')).toBe('30.5 MiB'); // 32MB
  } finally {
    wh.close();
  }
});
