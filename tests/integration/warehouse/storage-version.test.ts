import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { fileStorageVersion, olderFormatNote } from '../../../src/warehouse/storage-version.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-storage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function versionOf(path: string, settings: { storageVersion?: string } = {}): Promise<string | undefined> {
  const wh = await Warehouse.open({ path, ...settings });
  try {
    await wh.run('CREATE OR REPLACE TABLE t AS SELECT 1 AS a');
    return await fileStorageVersion(wh);
  } finally {
    wh.close();
  }
}

it('creates a new warehouse file in the v1.3.0 storage format, or the one pipeline.yml names', async () => {
  expect(await versionOf(join(dir, 'new.duckdb'))).toBe('v1.3.0+');
  expect(await versionOf(join(dir, 'old-format.duckdb'), { storageVersion: 'v1.0.0' })).toBe('v1.0.0+');
  // the format is the file's: opening it again with another setting neither fails nor converts it
  expect(await versionOf(join(dir, 'old-format.duckdb'))).toBe('v1.0.0+');
});

it('names warehouse.storage_version when DuckDB does not know the version (DuckDB itself only says it failed to set a config)', async () => {
  await expect(Warehouse.open({ path: join(dir, 'w.duckdb'), storageVersion: 'v9.9.9' })).rejects.toThrow(
    /warehouse\.storage_version v9\.9\.9 is not a storage version this DuckDB knows/,
  );
  // and the lock is released: the same file opens with a good setting
  expect(await versionOf(join(dir, 'w.duckdb'))).toBe('v1.3.0+');
});

it('opens and writes a warehouse that an older setup created in DuckDB’s default format', async () => {
  const path = join(dir, 'legacy.duckdb');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('CREATE TABLE kept AS SELECT 42 AS answer');
  connection.closeSync();
  instance.closeSync();
  const wh = await Warehouse.open({ path });
  try {
    await wh.run('INSERT INTO kept VALUES (43)');
    expect(await wh.scalar('SELECT CAST(sum(answer) AS VARCHAR) FROM kept')).toBe('85');
    expect(await fileStorageVersion(wh)).toBe('v1.0.0+');
    // a build says so, with what to do, unless pipeline.yml keeps that format
    expect(await olderFormatNote(wh, {})).toMatch(/in DuckDB's v1\.0\.0\+ storage format, older than the v1\.3\.0 .*storage_version: v1\.0\.0 to keep it/);
    expect(await olderFormatNote(wh, { storageVersion: 'v1.0.0' })).toBeUndefined();
    expect(await olderFormatNote(wh, { storageVersion: 'latest' })).toBeUndefined();
  } finally {
    wh.close();
  }
  const current = await Warehouse.open({ path: join(dir, 'current.duckdb') });
  try {
    expect(await olderFormatNote(current, {})).toBeUndefined();
  } finally {
    current.close();
  }
});
