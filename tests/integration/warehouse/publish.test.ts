import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ExecutionError } from '../../../src/errors.js';
import { patchFile } from '../../../src/warehouse/file-patch.js';
import { publishWarehouse } from '../../../src/warehouse/publish.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const DUCKDB = pathToFileURL(join(process.cwd(), 'node_modules/@duckdb/node-api/lib/index.js')).href;

/** A process with the file open READ_ONLY (an analyst's session) until killed; resolves with its first answer. */
function openReader(path: string): Promise<{ answer: string; stop: () => Promise<void> }> {
  const script = `
    import { DuckDBInstance } from ${JSON.stringify(DUCKDB)};
    const instance = await DuckDBInstance.create(${JSON.stringify(path)}, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT sum(n)::VARCHAR FROM t');
    process.stdout.write(reader.getRowsJson()[0][0] + '\\n');
    // The timer holds the instance: a module's top-level constants are otherwise garbage, and a collected
    // instance closes the file and drops its lock (the reader would be gone while the test thinks it reads).
    setInterval(() => void [instance, connection], 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`reader exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (answer) =>
      resolve({
        answer,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      }),
    );
  });
}

describe('publishWarehouse', () => {
  let dir: string;
  let wh: Warehouse;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revrec-publish-'));
    wh = await Warehouse.open({ path: join(dir, 'revrec.duckdb'), threads: 1 });
    // md5 text does not compress: a file of a few MB, most of it untouched by the small changes below.
    await wh.run('CREATE TABLE t AS SELECT range AS n, md5(range::VARCHAR) AS pad FROM range(200000)');
  });
  afterEach(async () => {
    wh.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the first two times, then patches the older copy in place; each time publish_path is byte-identical to the checkpointed warehouse', async () => {
    const target = 'published/revrec.duckdb';
    const first = await publishWarehouse(wh, target, dir);
    expect(first.how).toBe('copied');
    expect(readFileSync(first.path).equals(readFileSync(wh.path))).toBe(true);

    await wh.run('UPDATE t SET pad = \'y\' WHERE n < 1000');
    const second = await publishWarehouse(wh, target, dir);
    expect(second.how).toBe('copied');
    expect(readFileSync(second.path).equals(readFileSync(wh.path))).toBe(true);

    // A change to a small table leaves the big one's blocks as they were.
    await wh.run('CREATE TABLE u AS SELECT range AS k FROM range(100)');
    const third = await publishWarehouse(wh, target, dir);
    expect(third.how).toBe('patched');
    expect(third.written).toBeGreaterThan(0);
    expect(third.written).toBeLessThan(third.bytes);
    expect(readFileSync(third.path).equals(readFileSync(wh.path))).toBe(true);

    // Two hidden copies and the published name, which links to the newer one; nothing else left behind.
    expect((await readdir(join(dir, 'published'))).sort()).toEqual(['.revrec.duckdb.a', '.revrec.duckdb.b', 'revrec.duckdb']);
    expect(statSync(third.path).ino).toBe(statSync(join(dir, 'published', '.revrec.duckdb.a')).ino);
  });

  it('copies anew instead of patching a copy that a reader still has open, and the reader keeps its data', async () => {
    const target = join(dir, 'revrec-published.duckdb');
    await publishWarehouse(wh, target, dir);
    const reader = await openReader(target); // holds copy a
    try {
      expect(reader.answer).toBe('19999900000');
      await wh.run('DELETE FROM t WHERE n >= 100000');
      expect((await publishWarehouse(wh, target, dir)).how).toBe('copied'); // b was missing
      await wh.run('DELETE FROM t WHERE n >= 50000');
      const third = await publishWarehouse(wh, target, dir); // a is open: not patched under the reader
      expect(third.how).toBe('copied');
      expect(readFileSync(third.path).equals(readFileSync(wh.path))).toBe(true);
      const after = await openReader(target);
      expect(after.answer).toBe('1249975000');
      await after.stop();
    } finally {
      await reader.stop();
    }
    // The reader gone, the older copy is patched again.
    await wh.run('DELETE FROM t WHERE n >= 40000');
    expect((await publishWarehouse(wh, target, dir)).how).toBe('patched');
  });
  it('a copy it cannot write fails with the file, the reason and what to do; the published file stays', async () => {
    const target = join(dir, 'revrec-published.duckdb');
    await publishWarehouse(wh, target, dir); // copy a
    mkdirSync(join(dir, '.revrec-published.duckdb.b', 'in-the-way'), { recursive: true }); // copy b cannot be written
    const error = await publishWarehouse(wh, target, dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecutionError);
    const message = (error as ExecutionError).describe();
    expect(message).toContain(`publishing ${target}: could not bring its copy ${join(dir, '.revrec-published.duckdb.b')} up to date`);
    expect(message).toContain('free space there or set warehouse.publish_path to another folder');
    expect(readFileSync(target).equals(readFileSync(wh.path))).toBe(true);
  });
});

describe('patchFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revrec-patch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rewrites only the pieces that differ and cuts or grows the target to the source length', () => {
    const piece = 256 * 1024;
    const source = Buffer.alloc(piece * 4 + 100, 1);
    source[piece * 2 + 7] = 9; // one byte in the third piece
    const target = Buffer.alloc(piece * 6, 1);
    writeFileSync(join(dir, 's'), source);
    writeFileSync(join(dir, 't'), target);
    expect(patchFile(join(dir, 's'), join(dir, 't'))).toEqual({ bytes: source.length, written: piece }); // the tail matched: only cut
    expect(readFileSync(join(dir, 't')).equals(source)).toBe(true);
    expect(patchFile(join(dir, 's'), join(dir, 't'))).toEqual({ bytes: source.length, written: 0 });
    const longer = Buffer.concat([source, Buffer.alloc(piece, 3)]);
    writeFileSync(join(dir, 's'), longer);
    expect(patchFile(join(dir, 's'), join(dir, 't'))).toEqual({ bytes: longer.length, written: piece + 100 });
    expect(readFileSync(join(dir, 't')).equals(longer)).toBe(true);
  });
});
