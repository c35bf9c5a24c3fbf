import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { sha256Fingerprint } from '../../../src/transport/host-key.js';
import { listAll } from '../../../src/transport/remote-store.js';
import { SftpStore } from '../../../src/transport/sftp-store.js';
import type { SftpStoreConfig } from '../../../src/transport/sftp-store.js';
import { startSshd } from '../../support/servers/sshd-server.js';
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

const server = inject('sftpServer');
const execFileAsync = promisify(execFile);

describe('SftpStore against OpenSSH sshd', () => {
  if (!server) throw new Error('tests/global-setup.ts did not start sshd');
  const sshd = server;
  const errorsSeen: unknown[] = [];
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir('sftp-test');
  });
  afterAll(async () => {
    await work.cleanup();
  });

  /** A store on its own folder under the server's root, password login, pinned host key. */
  function storeFor(folder: string, extra: Partial<SftpStoreConfig> = {}, via?: { port: number }): SftpStore {
    return new SftpStore({
      host: sshd.host,
      port: via?.port ?? sshd.port,
      username: sshd.username,
      password: sshd.password,
      hostKey: sshd.hostKeySha256,
      folder,
      retry: FAST_RETRY,
      ...extra,
    });
  }

  /** Names in a folder as the server sees them (hidden temporaries included). */
  async function rawNames(folder: string): Promise<string[]> {
    const client = new SftpClient('raw', { error: () => undefined, end: () => undefined, close: () => undefined });
    try {
      await client.connect({ host: sshd.host, port: sshd.port, username: sshd.username, password: sshd.password });
      return (await client.list(folder)).map((e) => e.name).sort();
    } catch (error) {
      if (/No such file/.test((error as Error).message)) return [];
      throw error;
    } finally {
      await client.end();
    }
  }

  it('lists recursively, by prefix, and by explicit names or globs ("Select SFTP Files")', async () => {
    const folder = uniquePrefix('list');
    const store = storeFor(folder);
    try {
      const { file } = await writeFixture(work.dir, 'small.csv', 'a,b\n1,2\n');
      const keys = ['orders-1.csv', 'orders-2.csv', 'invoices.csv', 'notes.txt', 'sub/orders-3.csv', 'sub/deep/x.csv', 'subway.csv'];
      for (const key of keys) await store.upload(file, key);

      const all = await listAll(store);
      expect(all.map((f) => f.key)).toEqual([...keys].sort());
      expect(all.every((f) => f.size === 8 && /^\d{4}-\d\d-\d\dT.*Z$/.test(f.mtime ?? ''))).toBe(true);
      expect((await listAll(store, 'sub/')).map((f) => f.key)).toEqual(['sub/deep/x.csv', 'sub/orders-3.csv']);
      expect((await listAll(store, 'orders-')).map((f) => f.key)).toEqual(['orders-1.csv', 'orders-2.csv']);

      const picked = storeFor(folder, { include: ['invoices.csv', 'orders-*.csv', 'sub/**/*.csv'], exclude: ['**/orders-3.csv'] });
      expect((await listAll(picked)).map((f) => f.key)).toEqual(['invoices.csv', 'orders-1.csv', 'orders-2.csv', 'sub/deep/x.csv']);
      await picked.close();
    } finally {
      await store.close();
    }
  });

  it('streams a download to disk with its SHA-256 and leaves no temporary file', async () => {
    const folder = uniquePrefix('download');
    const store = storeFor(folder, { privateKeyPath: sshd.privateKeyPath, password: undefined });
    try {
      const fixture = await writeFixture(work.dir, 'big.bin', 3 * 1024 * 1024 + 7);
      await store.upload(fixture.file, 'in/big.bin');
      const [listed] = await listAll(store);
      const target = path.join(work.dir, folder, 'deep', 'big.bin');
      const result = await store.download(listed!, target);
      expect(result).toEqual({ bytes: fixture.bytes, sha256: fixture.sha256 });
      expect(await localFiles(path.dirname(target))).toEqual(['big.bin']);
    } finally {
      await store.close();
    }
  });

  it('re-upload replaces the file atomically (posixRename) and leaves no temporary name', async () => {
    const folder = uniquePrefix('overwrite');
    const store = storeFor(folder);
    try {
      const v1 = await writeFixture(work.dir, 'v1.csv', 'version 1\n');
      const v2 = await writeFixture(work.dir, 'v2.csv', 'version 2, longer\n');
      await store.upload(v1.file, 'closedperiodexport-orders-202401.csv');
      await store.upload(v2.file, 'closedperiodexport-orders-202401.csv');
      const result = await store.download('closedperiodexport-orders-202401.csv', path.join(work.dir, folder, 'out.csv'));
      expect(result.sha256).toBe(v2.sha256);
      expect(await rawNames(folder)).toEqual(['closedperiodexport-orders-202401.csv']);
    } finally {
      await store.close();
    }
  });

  it('an interrupted upload never shows under its name: absent (or old content) while in flight and after', async () => {
    const folder = uniquePrefix('atomic');
    const direct = storeFor(folder);
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 256 * 1024, direction: 'upload', mode: 'stall' });
    // A stalled link is noticed by SSH keepalives: 3 unanswered ones, 100 ms apart.
    const slow = storeFor(folder, { keepaliveIntervalMs: 100, retry: { ...FAST_RETRY, attempts: 1 } }, proxy);
    try {
      const big = await writeFixture(work.dir, 'atomic.bin', 2 * 1024 * 1024);
      const old = await writeFixture(work.dir, 'old.bin', 'old content\n');
      await direct.upload(old.file, 'replaced.bin');
      let cutsBefore = 0;
      for (const key of ['fresh.bin', 'replaced.bin']) {
        const upload = slow.upload(big.file, key).then(
          () => undefined,
          (e: unknown) => e,
        );
        await waitFor(() => proxy.cuts() > cutsBefore);
        cutsBefore = proxy.cuts();
        // Mid-flight the bytes sit in a hidden temporary that listings skip.
        expect((await listAll(direct)).map((f) => f.key)).toEqual(['replaced.bin']);
        expect((await rawNames(folder)).some((n) => /^\.(fresh|replaced)\.bin\.part-[0-9a-f]{12}$/.test(n))).toBe(true);
        const error = await upload;
        errorsSeen.push(error);
        expect((error as Error).message).toContain(`upload of '${key}' failed`);
        expect((await listAll(direct)).map((f) => f.key)).toEqual(['replaced.bin']);
        const seen = await direct.download('replaced.bin', path.join(work.dir, folder, `seen-${key}`));
        expect(seen.sha256).toBe(old.sha256);
      }
    } finally {
      await slow.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('retries a download whose connection is cut mid-way (reconnecting) and gets the whole file', async () => {
    const folder = uniquePrefix('cut');
    const direct = storeFor(folder);
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 400_000, cutConnections: 1 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(folder, { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut.bin', 2 * 1024 * 1024);
      await direct.upload(fixture.file, 'cut.bin');
      const target = path.join(work.dir, folder, 'cut.bin');
      const result = await viaProxy.download('cut.bin', target);
      expect(result.sha256).toBe(fixture.sha256);
      expect(proxy.cuts()).toBe(1);
      expect(proxy.connections()).toBe(2);
      expect(recorder.events.map((e) => [e.action, e.key, e.attempt])).toEqual([['download', 'cut.bin', 1]]);
      expect(await localFiles(path.dirname(target))).toEqual(['cut.bin']);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('retries an upload whose connection is cut mid-way and stores the whole file', async () => {
    const folder = uniquePrefix('cut-up');
    const direct = storeFor(folder);
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 300_000, direction: 'upload', cutConnections: 1 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(folder, { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut-up.bin', 1024 * 1024);
      await viaProxy.upload(fixture.file, 'exports/cut-up.bin');
      expect(recorder.events.map((e) => [e.action, e.key])).toEqual([['upload', 'exports/cut-up.bin']]);
      expect((await direct.download('exports/cut-up.bin', path.join(work.dir, folder, 'up.bin'))).sha256).toBe(fixture.sha256);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('gives up with a TransferError naming the file when every try is cut, leaving no partial file', async () => {
    const folder = uniquePrefix('cut-all');
    const direct = storeFor(folder);
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 200_000 });
    const recorder = retryRecorder();
    const viaProxy = storeFor(folder, { retry: { ...FAST_RETRY, attempts: 3, onRetry: recorder.onRetry } }, proxy);
    try {
      const fixture = await writeFixture(work.dir, 'cut-all.bin', 1024 * 1024);
      await direct.upload(fixture.file, 'in/cut-all.bin');
      const targetDir = path.join(work.dir, folder);
      const error = await expectRejection(viaProxy.download('in/cut-all.bin', path.join(targetDir, 'cut-all.bin')));
      errorsSeen.push(error, ...recorder.events);
      expect(error.message).toMatch(/download of 'in\/cut-all\.bin' failed after 3 attempts: /);
      expect(error.message).toContain(viaProxy.name);
      expect(error.location.file).toBe('in/cut-all.bin');
      expect(recorder.events).toHaveLength(2);
      expect(await localFiles(targetDir).catch(() => [])).toEqual([]);
    } finally {
      await viaProxy.close();
      await direct.close();
      await proxy.stop();
    }
  });

  it('fails cleanly after its tries when the server is killed mid-session, naming the store', async () => {
    const own = await startSshd();
    const recorder = retryRecorder();
    const store = new SftpStore({
      host: own.host,
      port: own.port,
      username: own.username,
      password: own.password,
      hostKey: own.hostPublicKey,
      retry: { ...FAST_RETRY, attempts: 3, onRetry: recorder.onRetry },
    });
    try {
      expect(await listAll(store)).toEqual([]);
      own.kill();
      const error = await expectRejection(listAll(store));
      errorsSeen.push(error);
      expect(error.message).toMatch(/list failed after 3 attempts: SFTP .*(refused|ECONNREFUSED)/i);
      expect(recorder.events).toHaveLength(2);
    } finally {
      await store.close();
      await own.stop();
    }
  });

  it('refuses a wrong password at once (no retry storm) with a clear message', async () => {
    const recorder = retryRecorder();
    const wrong = `wrong-password-${uniquePrefix('p')}`;
    const store = storeFor('.', { password: wrong, retry: { ...FAST_RETRY, onRetry: recorder.onRetry } });
    try {
      const error = await expectRejection(listAll(store));
      errorsSeen.push(error);
      expect(error.message).toMatch(/list failed: SFTP login refused: All configured authentication methods failed/);
      expect(error.hint).toMatch(/username and password or private key/);
      expect(recorder.events).toHaveLength(0);
      expectNoSecrets([error], [wrong]);
    } finally {
      await store.close();
    }
  });

  it('refuses an encrypted private key with a wrong passphrase without showing key or passphrase', async () => {
    const keyFile = path.join(work.dir, 'encrypted_ed25519');
    const passphrase = `right-passphrase-${uniquePrefix('k')}`;
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', keyFile]);
    const wrong = `wrong-passphrase-${uniquePrefix('k')}`;
    const store = storeFor('.', { password: undefined, privateKeyPath: keyFile, passphrase: wrong });
    try {
      const error = await expectRejection(listAll(store));
      errorsSeen.push(error);
      expect(error.message).toMatch(/SFTP private key unusable/);
      const keyText = await readFile(keyFile, 'utf8');
      const keyBody = keyText.split('\n').slice(1, -2).join('');
      expectNoSecrets([error], [wrong, passphrase, keyBody, ...keyText.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))]);
    } finally {
      await store.close();
    }
  });

  describe('host key pinning', () => {
    it('accepts the pinned SHA256 fingerprint, as `ssh-keygen -lf` prints it', async () => {
      const { stdout } = await execFileAsync('sh', ['-c', `printf '%s\\n' "$0" | ssh-keygen -lf -`, sshd.hostPublicKey]);
      expect(stdout.split(' ')[1]).toBe(sshd.hostKeySha256);
      const store = storeFor('.', { hostKey: sshd.hostKeySha256 });
      await expect(listAll(store)).resolves.toBeDefined();
      await store.close();
    });

    it('accepts the full public key line and a list holding it (rotation)', async () => {
      for (const hostKey of [sshd.hostPublicKey, ['SHA256:' + 'B'.repeat(43), sshd.hostPublicKey]]) {
        const store = storeFor('.', { hostKey });
        await expect(listAll(store)).resolves.toBeDefined();
        await store.close();
      }
    });

    it('refuses a changed host key, naming the host and both fingerprints, without retrying', async () => {
      const recorder = retryRecorder();
      // The pin of another server: what a changed key (or a man in the middle) looks like.
      const other = await startSshd();
      const store = storeFor('.', { hostKey: other.hostKeySha256, retry: { ...FAST_RETRY, onRetry: recorder.onRetry } });
      try {
        const error = await expectRejection(listAll(store));
        errorsSeen.push(error);
        expect(error.message).toContain(`${sshd.host}:${sshd.port}`);
        expect(error.message).toContain(`presented host key ${sshd.hostKeySha256}`);
        expect(error.message).toContain(`expected ${other.hostKeySha256}`);
        expect(error.hint).toMatch(/intercepting/);
        expect(recorder.events).toHaveLength(0);
      } finally {
        await store.close();
        await other.stop();
      }
    });

    it('refuses an unknown host key (no pin) and says which fingerprint to confirm', async () => {
      const store = storeFor('.', { hostKey: undefined });
      try {
        const error = await expectRejection(listAll(store));
        expect(error.message).toContain(`presented host key ${sshd.hostKeySha256}, no host key is configured`);
        expect(error.hint).toContain(`hostKey: '${sshd.hostKeySha256}'`);
      } finally {
        await store.close();
      }
    });

    it('accepts any host key only with the explicit opt-out insecureSkipHostKeyCheck', async () => {
      const store = storeFor('.', { hostKey: 'SHA256:' + 'C'.repeat(43), insecureSkipHostKeyCheck: true });
      await expect(listAll(store)).resolves.toBeDefined();
      await store.close();
    });

    it('computes OpenSSH fingerprints', () => {
      const blob = Buffer.from(sshd.hostPublicKey.split(' ')[1]!, 'base64');
      expect(sha256Fingerprint(blob)).toBe(sshd.hostKeySha256);
    });
  });

  it('refuses keys with .. segments or absolute paths before touching the server', async () => {
    const store = storeFor(uniquePrefix('unsafe'));
    try {
      const { file } = await writeFixture(work.dir, 'unsafe.csv', 'x\n');
      for (const key of ['../escape.csv', 'a/../../etc/passwd', '/etc/passwd', 'a//b.csv']) {
        const up = await expectRejection(store.upload(file, key));
        expect(up.message).toContain(`refusing key '${key}'`);
        const down = await expectRejection(store.download(key, path.join(work.dir, 'never.csv')));
        errorsSeen.push(up, down);
      }
    } finally {
      await store.close();
    }
  });

  it('reports a missing remote file or folder without retrying', async () => {
    const recorder = retryRecorder();
    const store = storeFor(uniquePrefix('missing'), { retry: { ...FAST_RETRY, onRetry: recorder.onRetry } });
    try {
      const file = await expectRejection(store.download('nope.csv', path.join(work.dir, 'nope.csv')));
      expect(file.message).toMatch(/download of 'nope\.csv' failed: SFTP .*No such file/);
      const folder = await expectRejection(listAll(store));
      expect(folder.hint).toMatch(/does not exist/);
      expect(recorder.events).toHaveLength(0);
      errorsSeen.push(file, folder);
    } finally {
      await store.close();
    }
  });

  it('never puts the password into an error, retry event or store name', async () => {
    expect(errorsSeen.length).toBeGreaterThan(8);
    const store = storeFor('x');
    expectNoSecrets([...errorsSeen, store.name, store], [sshd.password]);
    await store.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
