import { chmod } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startCutProxy } from '../../support/servers/tcp-cut-proxy.js';
import {
  ExtractHarness,
  fileOutcome,
  invoicesCsv,
  manyOrders,
  ordersCsv,
  sftpDeliver,
  sftpSource,
  statuses,
  uniqueName,
} from './extract-sources-kit.js';

const server = inject('sftpServer');

describe('extract from SFTP (OpenSSH sshd)', () => {
  if (!server) throw new Error('tests/global-setup.ts did not start sshd');
  const sshd = server;
  let h: ExtractHarness;
  beforeAll(async () => {
    h = await ExtractHarness.create();
  });
  afterAll(async () => {
    await h.close();
  });

  const at = (second: number) => new Date(Date.UTC(2024, 4, 1, 0, 0, second));

  it('lands new files recursively, skips unchanged ones, records a re-delivery as a duplicate and a same-size change as a new version', async () => {
    const folder = uniqueName('incr');
    const source = sftpSource(sshd, uniqueName('incr'), folder);
    const v1 = ordersCsv([['A-1', '100.00'], ['B-1', '100.00']]);
    await sftpDeliver(sshd, folder, { 'orders.csv': v1, '2024/05/invoices_05.csv': invoicesCsv(3) }, at(0));
    expect(statuses(await h.extract([source]))).toEqual({ '2024/05/invoices_05.csv': 'loaded', 'orders.csv': 'loaded' });
    expect(statuses(await h.extract([source]))).toEqual({ '2024/05/invoices_05.csv': 'unchanged', 'orders.csv': 'unchanged' });

    // The same bytes delivered again (a new modification time): recorded, nothing landed.
    await sftpDeliver(sshd, folder, { 'orders.csv': v1 }, at(5));
    expect(fileOutcome(await h.extract([source]), 'orders.csv').status).toBe('duplicate');

    // Same size, other content (SFTP has no ETag: size and modification time tell a change).
    const v2 = v1.replace('B-1,C-1,P-100,2024-01-15,1,120.00,100.00', 'B-1,C-1,P-100,2024-01-15,1,120.00,200.00');
    expect(v2.length).toBe(v1.length);
    await sftpDeliver(sshd, folder, { 'orders.csv': v2 }, at(9));
    const changed = await h.extract([source]);
    expect(fileOutcome(changed, 'orders.csv')).toMatchObject({ status: 'loaded', rows: 2 });
    const latest = await h.rows(
      `SELECT Sales_Order_Item_Id AS item, Sale_Price AS price FROM raw.orders WHERE _source = '${source.name}'
       QUALIFY row_number() OVER (PARTITION BY Sales_Order_Item_Id ORDER BY _version DESC) = 1 ORDER BY item`,
    );
    expect(latest).toEqual([
      { item: 'A-1', price: '100.00' },
      { item: 'B-1', price: '200.00' },
    ]);
    expect((await h.manifest(source.name as string)).map((r) => `${r.file_key}:${r.status}`)).toEqual([
      '2024/05/invoices_05.csv:loaded',
      'orders.csv:loaded',
      'orders.csv:duplicate',
      'orders.csv:loaded',
    ]);
  });

  it('full reload relands every file and replaces its earlier rows', async () => {
    const folder = uniqueName('full');
    const source = sftpSource(sshd, uniqueName('full'), folder);
    await sftpDeliver(sshd, folder, { 'orders.csv': manyOrders(10) }, at(0));
    await h.extract([source]);
    const reload = await h.extract([source], { fullReload: true });
    expect(fileOutcome(reload, 'orders.csv')).toMatchObject({ status: 'loaded', rows: 10 });
    expect(await h.rows(`SELECT count(*)::INT AS n, min(_version)::VARCHAR AS v FROM raw.orders WHERE _source = '${source.name}'`)).toEqual([
      { n: 10, v: fileOutcome(reload, 'orders.csv').version },
    ]);
  });

  it('an unreadable file is recorded and retried when a corrected one arrives; a file it may not read is reported and retried', async () => {
    const folder = uniqueName('bad');
    const source = sftpSource(sshd, uniqueName('bad'), folder);
    await sftpDeliver(sshd, folder, { 'orders.csv': Buffer.from('Sales_Order_Id,\u0000garbage\n'), 'invoices.csv': invoicesCsv(2), 'invoices_locked.csv': invoicesCsv(1) }, at(0));
    // The SFTP user may not read this one (the server's permission check, not ours).
    await chmod(join(sshd.rootDir, folder, 'invoices_locked.csv'), 0o600);
    const first = await h.extract([source]);
    expect(statuses(first)).toEqual({ 'invoices.csv': 'loaded', 'invoices_locked.csv': 'transfer_error', 'orders.csv': 'failed' });
    expect(fileOutcome(first, 'orders.csv')).toMatchObject({ code: 'NOT_CSV' });
    expect(fileOutcome(first, 'invoices_locked.csv').message).toMatch(/download of 'invoices_locked\.csv' failed: SFTP .*Permission denied/);

    await chmod(join(sshd.rootDir, folder, 'invoices_locked.csv'), 0o644);
    await sftpDeliver(sshd, folder, { 'orders.csv': ordersCsv([['F-1', '5.00']]) }, at(3));
    const second = await h.extract([source]);
    expect(statuses(second)).toEqual({ 'invoices.csv': 'unchanged', 'invoices_locked.csv': 'loaded', 'orders.csv': 'loaded' });
    expect(await h.count(`SELECT count(*) FROM raw.invoices WHERE _source = '${source.name}'`)).toBe(3);
  });

  it('retries a download cut mid-way and lands the file once', async () => {
    const folder = uniqueName('cut');
    await sftpDeliver(sshd, folder, { 'orders.csv': manyOrders(4000) }, at(0));
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 200_000, cutConnections: 1 });
    try {
      const source = sftpSource(sshd, uniqueName('cut'), folder, { port: proxy.port });
      const outcome = await h.extract([source]);
      expect(fileOutcome(outcome, 'orders.csv')).toMatchObject({ status: 'loaded', rows: 4000 });
      expect(proxy.cuts()).toBe(1);
      expect(h.logLines().filter((l) => l.source === source.name && l.level === 'warn' && l.action === 'download')).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('after the last try names the source and the file; the next run completes with nothing lost or doubled', async () => {
    const folder = uniqueName('cutall');
    await sftpDeliver(sshd, folder, { 'invoices.csv': invoicesCsv(4), 'orders.csv': manyOrders(4000) }, at(0));
    const proxy = await startCutProxy({ targetHost: sshd.host, targetPort: sshd.port, cutAfterBytes: 200_000 });
    const name = uniqueName('cutall');
    try {
      const broken = await h.extract([sftpSource(sshd, name, folder, { port: proxy.port })]);
      expect(statuses(broken)).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'transfer_error' });
      expect(fileOutcome(broken, 'orders.csv').message).toMatch(/^sftp:\/\/revrec-sftp@127\.0\.0\.1:\d+\/~\/cutall-\w+: download of 'orders\.csv' failed after 3 attempts/);
      expect(h.logLines().find((l) => l.level === 'error' && l.source === name)?.message).toMatch(new RegExp(`^${name}: orders\\.csv could not be downloaded`));
    } finally {
      await proxy.stop();
    }
    const healed = await h.extract([sftpSource(sshd, name, folder)]);
    expect(statuses(healed)).toEqual({ 'invoices.csv': 'unchanged', 'orders.csv': 'loaded' });
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${name}'`)).toBe(4000);
    expect(await h.count(`SELECT count(*) FROM raw.invoices WHERE _source = '${name}'`)).toBe(4);
  });

  it('a wrong password is refused at once with a clear error, and no secret shows anywhere', async () => {
    const folder = uniqueName('auth');
    await sftpDeliver(sshd, folder, { 'orders.csv': ordersCsv([['P-1', '1.00']]) });
    const wrong = `wrong-password-${uniqueName('p')}`;
    const name = uniqueName('auth');
    const outcome = await h.extract([sftpSource(sshd, name, folder, { password: wrong })]);
    const [source] = outcome.sources;
    expect(source?.error).toMatch(/list failed: SFTP login refused: .*authentication methods failed/);
    expect(source?.error).toContain('check username and password');
    expect(h.logLines().filter((l) => l.source === name && l.level === 'warn')).toEqual([]); // no retry storm
    const everywhere = [h.output(), JSON.stringify(outcome), await h.everythingStored()].join('\n');
    for (const secret of [wrong, sshd.password]) expect(everywhere.includes(secret), 'a secret leaked').toBe(false);
  });

  it('refuses a server whose host key is not the pinned one, saying which key it showed', async () => {
    const folder = uniqueName('hostkey');
    await sftpDeliver(sshd, folder, { 'orders.csv': ordersCsv([['H-1', '1.00']]) });
    const name = uniqueName('hostkey');
    const pinned = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const outcome = await h.extract([sftpSource(sshd, name, folder, { host_key: pinned })]);
    const [source] = outcome.sources;
    expect(source?.files).toEqual([]);
    expect(source?.error).toContain(`refusing SFTP host ${sshd.host}:${sshd.port}: it presented host key ${sshd.hostKeySha256}, expected ${pinned}`);
    expect(source?.error).toMatch(/someone may be intercepting the connection/);
    expect(await h.rows(`SELECT status FROM meta.extract_runs WHERE source = '${name}'`)).toEqual([{ status: 'error' }]);
    expect(await h.manifest(name)).toEqual([]);
    // The password never went to that server: the refusal happens before authentication.
    expect([h.output(), await h.everythingStored()].join('\n').includes(sshd.password)).toBe(false);
  });

  it('logs in with a private key, and the host key may be pinned as a public key line', async () => {
    const folder = uniqueName('key');
    await sftpDeliver(sshd, folder, { 'orders.csv': ordersCsv([['K-1', '1.00']]) });
    const source = sftpSource(sshd, uniqueName('key'), folder, { password: undefined, private_key_path: sshd.privateKeyPath, host_key: sshd.hostPublicKey });
    delete source.password;
    expect(fileOutcome(await h.extract([source]), 'orders.csv')).toMatchObject({ status: 'loaded', rows: 1 });
  });
});
