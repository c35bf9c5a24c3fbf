import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { listAll } from '../../../src/transport/remote-store.js';
import { S3Store } from '../../../src/transport/s3-store.js';
import type { S3StoreConfig } from '../../../src/transport/s3-store.js';
import type { S3ServerInfo } from '../../support/servers/s3-server-info.js';
import { testS3Client } from '../../support/s3-test-client.js';
import { startCutProxy } from '../../support/servers/tcp-cut-proxy.js';
import {
  expectNoSecrets,
  expectRejection,
  FAST_RETRY,
  localFiles,
  retryRecorder,
  tempDir,
  uniquePrefix,
  writeFixture,
} from './transport-fixtures.js';

const servers = inject('s3Servers');

it('has at least one S3 server to test against (started by tests/global-setup.ts)', () => {
  expect(servers.map((s) => s.kind)).toContain('s3rver');
});

describe.each(servers.map((server) => [server.kind, server] as const))('S3Store against %s', (_kind, server) => {
  const errorsSeen: unknown[] = [];
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir('s3-test');
  });
  afterAll(async () => {
    await work.cleanup();
  });

  /** A store on its own prefix of the test bucket. */
  function storeFor(prefix: string, extra: Partial<S3StoreConfig> = {}, via?: { port: number }): S3Store {
    return new S3Store({
      bucket: server.bucket,
      prefix,
      region: server.region,
      endpoint: via ? `http://127.0.0.1:${via.port}` : server.endpoint,
      forcePathStyle: true,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      retry: FAST_RETRY,
      ...extra,
    });
  }

  async function exists(prefix: string, key: string): Promise<boolean> {
    const client = testS3Client(server);
    try {
      await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}` }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    } finally {
      client.destroy();
    }
  }

  it('lists every page (page size 2), filters by prefix and include globs, skips folder markers', async () => {
    const prefix = uniquePrefix('list');
    const store = storeFor(prefix, { pageSize: 2 });
    const client = testS3Client(server);
    try {
      const { file } = await writeFixture(work.dir, 'small.csv', 'a,b\n1,2\n');
      const keys = ['orders-1.csv', 'orders-2.csv', 'invoices.csv', 'notes.txt', 'sub/orders-3.csv', 'sub/deep/x.csv', 'subway.csv'];
      for (const key of keys) await store.upload(file, key);
      // A console-made "folder" object and a key outside the prefix must not show up.
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/empty-folder/`, Body: '', ContentLength: 0 }));
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}-other/orders-9.csv`, Body: 'x' }));

      const all = await listAll(store);
      expect(all.map((f) => f.key)).toEqual([...keys].sort());
      expect(all.every((f) => f.size === 8 && typeof f.etag === 'string' && /^\d{4}-\d\d-\d\dT/.test(f.mtime ?? ''))).toBe(true);
      expect((await listAll(store, 'sub/')).map((f) => f.key)).toEqual(['sub/deep/x.csv', 'sub/orders-3.csv']);
      expect((await listAll(store, 'orders-')).map((f) => f.key)).toEqual(['orders-1.csv', 'orders-2.csv']);

      const selected = storeFor(prefix, { pageSize: 2, include: ['orders-*.csv', 'invoices.csv', '**/x.csv'], exclude: ['orders-2.csv'] });
      expect((await listAll(selected)).map((f) => f.key)).toEqual(['invoices.csv', 'orders-1.csv', 'sub/deep/x.csv']);
      await selected.close();
    } finally {
      client.destroy();
      await store.close();
    }
  });

  it('streams a download to disk with its SHA-256 and leaves no temporary file', async () => {
    const prefix = uniquePrefix('download');
    const store = storeFor(prefix);
    try {
      const fixture = await writeFixture(work.dir, 'big.bin', 3 * 1024 * 1024 + 7);
      await store.upload(fixture.file, 'data/big.bin');
      const [listed] = await listAll(store);
      const target = path.join(work.dir, 'dl', prefix, 'nested', 'big.bin');
      const result = await store.download(listed!, target);
      expect(result.bytes).toBe(fixture.bytes);
      expect(result.sha256).toBe(fixture.sha256);
      expect(result.etag).toBe(listed!.etag);
      expect(await localFiles(path.dirname(target))).toEqual(['big.bin']);
    } finally {
      await store.close();
    }
  });

  it('re-upload overwrites the object', async () => {
    const prefix = uniquePrefix('overwrite');
    const store = storeFor(prefix);
    try {
      const v1 = await writeFixture(work.dir, 'v1.csv', 'version 1\n');
      const v2 = await writeFixture(work.dir, 'v2.csv', 'version 2, longer\n');
      await store.upload(v1.file, 'closedperiodexport-orders-202401.csv');
      await store.upload(v2.file, 'closedperiodexport-orders-202401.csv');
      const target = path.join(work.dir, prefix, 'out.csv');
      expect((await store.download('closedperiodexport-orders-202401.csv', target)).sha256).toBe(v2.sha256);
      expect(await listAll(store)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  // s3rver writes an object in place while receiving it (lib/stores/filesystem.js putObject), so it shows partial
  // objects whatever the client does; S3 and radosgw publish a PutObject only when complete. The client's part is one
  // PutObject with Content-MD5 per upload, which the cut-upload test below exercises on every server.
  it.skipIf(server.kind === 's3rver')('an interrupted upload never shows: the key is absent (or keeps its old content) while bytes are in flight and after', async () => {
    const prefix = uniquePrefix('atomic');
    const direct = storeFor(prefix);
    // The proxy stops forwarding after 256 KiB of the body, so the upload hangs mid-way until the idle timeout.
    const proxy = await startCutProxy({ targetHost: '127.0.0.1', targetPort: Number(new URL(server.endpoint).port), cutAfterBytes: 256 * 1024, direction: 'upload', mode: 'stall' });
    const slow = storeFor(prefix, { idleTimeoutMs: 500, retry: { ...FAST_RETRY, attempts: 1 } }, proxy);
    try {
      const big = await writeFixture(work.dir, 'atomic.bin', 2 * 1024 * 1024);
      const old = await writeFixture(work.dir, 'old.bin', 'old content\n');
      await direct.upload(old.file, 'replaced.bin');

      for (const key of ['fresh.bin', 'replaced.bin']) {
        const upload = slow.upload(big.file, key).then(
          () => undefined,
          (e: unknown) => e,
        );
        await waitFor(() => proxy.cuts() > 0);
        // Mid-flight: a reader sees nothing new.
        expect(await exists(prefix, 'fresh.bin')).toBe(false);
        const error = await upload;
        errorsSeen.push(error);
        expect((error as Error).message).toContain(`upload of '${key}' failed`);
        expect(await exists(prefix, 'fresh.bin')).toBe(false);
        const seen = await direct.download('replaced.bin', path.join(work.dir, prefix, `seen-${key}`));
        expect(seen.sha256).toBe(old.sha256);
      }
      // Without the proxy the same upload completes and then shows whole.
      await direct.upload(big.file, 'fresh.bin');
      expect((await direct.download('fresh.bin', path.join(work.dir, prefix, 'fresh.bin'))).sha256).toBe(big.sha256);
    } finally {
      await slow.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('retries a download whose connection is cut mid-way and gets the whole file', async () => {
    const prefix = uniquePrefix('cut');
    const direct = storeFor(prefix);
    const proxy = await startCutProxy({ targetHost: '127.0.0.1', targetPort: Number(new URL(server.endpoint).port), cutAfterBytes: 300_000, cutConnections: 1 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(prefix, { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut.bin', 1024 * 1024);
      await direct.upload(fixture.file, 'cut.bin');
      const target = path.join(work.dir, prefix, 'cut.bin');
      const result = await viaProxy.download('cut.bin', target);
      expect(result.sha256).toBe(fixture.sha256);
      expect(proxy.cuts()).toBe(1);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({ action: 'download', key: 'cut.bin', attempt: 1 });
      expect(await localFiles(path.dirname(target))).toEqual(['cut.bin']);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('retries an upload whose connection is cut mid-way and stores the whole file', async () => {
    const prefix = uniquePrefix('cut-up');
    const direct = storeFor(prefix);
    const proxy = await startCutProxy({ targetHost: '127.0.0.1', targetPort: Number(new URL(server.endpoint).port), cutAfterBytes: 200_000, direction: 'upload', cutConnections: 1 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(prefix, { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut-up.bin', 1024 * 1024);
      await viaProxy.upload(fixture.file, 'exports/cut-up.bin');
      expect(proxy.cuts()).toBe(1);
      expect(recorder.events.map((e) => [e.action, e.key])).toEqual([['upload', 'exports/cut-up.bin']]);
      const result = await direct.download('exports/cut-up.bin', path.join(work.dir, prefix, 'cut-up.bin'));
      expect(result.sha256).toBe(fixture.sha256);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('gives up with a TransferError naming the file when every try is cut, leaving no partial file', async () => {
    const prefix = uniquePrefix('cut-all');
    const direct = storeFor(prefix);
    const proxy = await startCutProxy({ targetHost: '127.0.0.1', targetPort: Number(new URL(server.endpoint).port), cutAfterBytes: 100_000 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(prefix, { retry: { ...FAST_RETRY, attempts: 3, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut-all.bin', 512 * 1024);
      await direct.upload(fixture.file, 'in/cut-all.bin');
      const targetDir = path.join(work.dir, prefix);
      const error = await expectRejection(viaProxy.download('in/cut-all.bin', path.join(targetDir, 'cut-all.bin')));
      errorsSeen.push(error, ...recorder.events);
      expect(error.message).toMatch(/download of 'in\/cut-all\.bin' failed after 3 attempts/);
      expect(error.message).toContain(viaProxy.name);
      expect(error.location.file).toBe('in/cut-all.bin');
      expect(error.hint).toBeTruthy();
      expect(recorder.events.map((e) => e.attempt)).toEqual([1, 2]);
      expect(await localFiles(targetDir).catch(() => [])).toEqual([]);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('retries a refused connection, then names the store and key', async () => {
    const proxy = await startCutProxy({ targetHost: '127.0.0.1', targetPort: 9 });
    const port = proxy.port;
    await proxy.stop(); // nothing listens on `port` any more: connection refused
    const recorder = retryRecorder();
    const store = storeFor(uniquePrefix('refused'), { retry: { ...FAST_RETRY, attempts: 3, onRetry: recorder.onRetry } }, { port });
    try {
      const error = await expectRejection(listAll(store));
      errorsSeen.push(error);
      expect(error.message).toMatch(/list failed after 3 attempts: network error/);
      expect(recorder.events).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('refuses wrong credentials at once (no retry storm) with a clear message', async () => {
    const recorder = retryRecorder();
    const wrongSecret = `wrong-secret-${uniquePrefix('s')}`;
    const store = storeFor(uniquePrefix('auth'), {
      accessKeyId: 'AKIAREVRECNOSUCHKEY0',
      secretAccessKey: wrongSecret,
      retry: { ...FAST_RETRY, onRetry: recorder.onRetry },
    });
    try {
      const error = await expectRejection(listAll(store));
      errorsSeen.push(error);
      expect(error.message).toMatch(/list failed: S3 (InvalidAccessKeyId|SignatureDoesNotMatch) \(HTTP 403\)/);
      expect(error.hint).toMatch(/accessKeyId and secretAccessKey/);
      expect(recorder.events).toHaveLength(0);
      expectNoSecrets([error], [wrongSecret]);
    } finally {
      await store.close();
    }
  });

  // s3rver checks only that the access key id exists; it does not verify SigV4 signatures.
  it.skipIf(server.kind === 's3rver')('refuses a wrong secret for a valid access key id', async () => {
    const wrongSecret = `wrong-secret-${uniquePrefix('s')}`;
    const store = storeFor(uniquePrefix('auth2'), { secretAccessKey: wrongSecret });
    try {
      const error = await expectRejection(listAll(store));
      expect(error.message).toMatch(/S3 SignatureDoesNotMatch \(HTTP 403\)/);
      expectNoSecrets([error], [wrongSecret, server.secretAccessKey]);
    } finally {
      await store.close();
    }
  });

  it('refuses keys with .. segments or absolute paths before any request', async () => {
    const store = storeFor(uniquePrefix('unsafe'));
    try {
      const { file } = await writeFixture(work.dir, 'unsafe.csv', 'x\n');
      for (const key of ['../escape.csv', 'a/../../escape.csv', '/etc/passwd', 'a/./b.csv', 'C:\\x.csv']) {
        const up = await expectRejection(store.upload(file, key));
        expect(up.message).toContain('refusing key');
        const down = await expectRejection(store.download(key, path.join(work.dir, 'never.csv')));
        errorsSeen.push(up, down);
      }
    } finally {
      await store.close();
    }
  });

  it('reports a missing object without retrying and a missing local file clearly', async () => {
    const recorder = retryRecorder();
    const store = storeFor(uniquePrefix('missing'), { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } });
    try {
      const missing = await expectRejection(store.download('nope.csv', path.join(work.dir, 'nope.csv')));
      expect(missing.message).toMatch(/download of 'nope\.csv' failed: S3 NoSuchKey \(HTTP 404\)/);
      const local = await expectRejection(store.upload(path.join(work.dir, 'does-not-exist.csv'), 'x.csv'));
      expect(local.message).toContain('cannot upload');
      expect(recorder.events).toHaveLength(0);
      errorsSeen.push(missing, local);
    } finally {
      await store.close();
    }
  });

  it('never puts the secret access key into an error, retry event or store name', async () => {
    expect(errorsSeen.length).toBeGreaterThan(5);
    const store = storeFor('x');
    expectNoSecrets([...errorsSeen, store.name, store], [server.secretAccessKey]);
    await store.close();
  });

  it('reads what it wrote byte for byte (text round trip)', async () => {
    const prefix = uniquePrefix('roundtrip');
    const store = storeFor(prefix);
    try {
      const text = 'Sales_Order_Id,Amount\n"SO-1","120.00"\n';
      const { file } = await writeFixture(work.dir, 'rt.csv', text);
      await store.upload(file, 'rt.csv');
      const target = path.join(work.dir, prefix, 'rt.csv');
      await store.download('rt.csv', target);
      expect(await readFile(target, 'utf8')).toBe(text);
    } finally {
      await store.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
