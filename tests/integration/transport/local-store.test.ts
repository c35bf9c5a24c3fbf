import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalStore } from '../../../src/transport/local-store.js';
import { listAll } from '../../../src/transport/remote-store.js';
import { createRemoteStore } from '../../../src/transport/store-factory.js';
import { expectRejection, localFiles, tempDir, writeFixture } from './transport-fixtures.js';

describe('LocalStore', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir('local-store');
  });
  afterAll(async () => {
    await work.cleanup();
  });

  it('lists a folder recursively, by prefix and globs, skipping symlinks and in-flight temporaries', async () => {
    const root = path.join(work.dir, 'inbox');
    await mkdir(path.join(root, 'sub', 'deep'), { recursive: true });
    for (const name of ['orders-1.csv', 'invoices.csv', 'sub/orders-2.csv', 'sub/deep/x.csv', '.orders-9.csv.part-0123456789ab']) {
      await writeFile(path.join(root, name), 'a,b\n');
    }
    await symlink('/etc/passwd', path.join(root, 'link.csv'));
    const store = new LocalStore({ folder: root });
    expect((await listAll(store)).map((f) => f.key)).toEqual(['invoices.csv', 'orders-1.csv', 'sub/deep/x.csv', 'sub/orders-2.csv']);
    expect((await listAll(store, 'sub/')).map((f) => f.key)).toEqual(['sub/deep/x.csv', 'sub/orders-2.csv']);
    const picked = new LocalStore({ folder: root, include: ['**/orders-*.csv'] });
    expect((await listAll(picked)).map((f) => f.key)).toEqual(['orders-1.csv', 'sub/orders-2.csv']);
    expect(await listAll(new LocalStore({ folder: path.join(work.dir, 'missing') }))).toEqual([]);
  });

  it('copies in and out through temporary names, with SHA-256, replacing existing files', async () => {
    const store = createRemoteStore({ kind: 'local', folder: path.join(work.dir, 'outbox') });
    const v1 = await writeFixture(work.dir, 'v1.bin', 300_000);
    const v2 = await writeFixture(work.dir, 'v2.bin', 200_000);
    await store.upload(v1.file, 'exports/closedperiodexport-orders-202401.csv');
    await store.upload(v2.file, 'exports/closedperiodexport-orders-202401.csv');
    expect(await localFiles(path.join(work.dir, 'outbox'))).toEqual([path.join('exports', 'closedperiodexport-orders-202401.csv')]);
    const target = path.join(work.dir, 'copy', 'x.csv');
    const result = await store.download('exports/closedperiodexport-orders-202401.csv', target);
    expect(result).toEqual({ bytes: v2.bytes, sha256: v2.sha256 });
    expect((await readFile(target)).length).toBe(v2.bytes);
    await store.close();
  });

  it('uploads as a hard link on the same file system and as a copy across file systems, same bytes either way', async () => {
    const store = new LocalStore({ folder: path.join(work.dir, 'linked') });
    const staged = await writeFixture(work.dir, 'staged.bin', 100_000);
    await store.upload(staged.file, 'a/staged.bin');
    const delivered = path.join(work.dir, 'linked', 'a', 'staged.bin');
    expect((await stat(delivered)).ino).toBe((await stat(staged.file)).ino);
    await rm(staged.file);
    expect(createHash('sha256').update(await readFile(delivered)).digest('hex')).toBe(staged.sha256);
    // /dev/shm is another file system (tmpfs): link() fails with EXDEV and the file is copied.
    const other = await mkdtemp(path.join('/dev/shm', 'revrec-local-store-'));
    try {
      const across = await writeFixture(other, 'across.bin', 50_000);
      await store.upload(across.file, 'b/across.bin');
      const copied = path.join(work.dir, 'linked', 'b', 'across.bin');
      expect((await stat(copied)).ino).not.toBe((await stat(across.file)).ino);
      expect(createHash('sha256').update(await readFile(copied)).digest('hex')).toBe(across.sha256);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    expect(await localFiles(path.join(work.dir, 'linked'))).toEqual([path.join('a', 'staged.bin'), path.join('b', 'across.bin')]);
  });

  it('refuses keys that leave the folder and reports missing files without retrying', async () => {
    const store = new LocalStore({ folder: path.join(work.dir, 'safe'), retry: { attempts: 3, baseDelayMs: 1, onRetry: () => expect.fail('retried') } });
    const { file } = await writeFixture(work.dir, 'f.csv', 'x\n');
    for (const key of ['../escape.csv', 'a/../../escape.csv', '/tmp/escape.csv']) {
      expect((await expectRejection(store.upload(file, key))).message).toContain('refusing key');
      await expectRejection(store.download(key, path.join(work.dir, 'never.csv')));
    }
    const missing = await expectRejection(store.download('nope.csv', path.join(work.dir, 'nope.csv')));
    expect(missing.message).toMatch(/download of 'nope\.csv' failed: ENOENT/);
  });
});
