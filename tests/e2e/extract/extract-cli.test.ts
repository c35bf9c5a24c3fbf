import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { Warehouse } from '../../../src/warehouse/warehouse.js';
import {
  invoicesCsv,
  localDeliver,
  manyOrders,
  ordersCsv,
  s3Deliver,
  sftpDeliver,
  uniqueName,
} from '../../integration/extract-sources/extract-sources-kit.js';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';
import { startCutProxy } from '../../support/servers/tcp-cut-proxy.js';
import { REPO_ROOT, assertCliBuilt, jsonLines, runCli } from '../cli/cli-harness.js';

const s3Servers = inject('s3Servers');
const sftp = inject('sftpServer');

/**
 * `revrec extract` through the compiled CLI on fixture projects whose sources take every credential from the
 * environment (`${VAR}`), as a deployment would: one S3 source per started S3 server, one SFTP source, one folder.
 */
describe('revrec extract (CLI)', () => {
  if (!sftp) throw new Error('tests/global-setup.ts did not start sshd');
  const sshd = sftp;
  let project: FixtureProject;
  let inbox: string;
  const prefix = uniqueName('e2e');
  const env: Record<string, string> = {};

  beforeAll(async () => {
    await assertCliBuilt();
    inbox = await mkdtemp(join(tmpdir(), 'revrec-e2e-inbox-'));
    const sources: string[] = [];
    s3Servers.forEach((server, i) => {
      Object.assign(env, {
        [`E2E_S3_ENDPOINT_${i}`]: server.endpoint,
        [`E2E_S3_KEY_${i}`]: server.accessKeyId,
        [`E2E_S3_SECRET_${i}`]: server.secretAccessKey,
      });
      sources.push(
        `  - name: s3_${server.kind}`,
        '    kind: s3',
        `    bucket: ${server.bucket}`,
        `    prefix: ${prefix}`,
        `    endpoint: \${E2E_S3_ENDPOINT_${i}}`,
        `    access_key_id: \${E2E_S3_KEY_${i}}`,
        `    secret_access_key: \${E2E_S3_SECRET_${i}}`,
        '    page_size: 2',
        '    retry: { attempts: 2, base_delay_ms: 10 }',
      );
    });
    Object.assign(env, { E2E_SFTP_PASSWORD: sshd.password, E2E_SFTP_PORT: String(sshd.port), E2E_INBOX: inbox });
    sources.push(
      '  - name: sftp',
      '    kind: sftp',
      `    host: ${sshd.host}`,
      '    port: ${E2E_SFTP_PORT}',
      `    username: ${sshd.username}`,
      '    password: ${E2E_SFTP_PASSWORD}',
      `    host_key: ${sshd.hostKeySha256}`,
      `    folder: ${prefix}`,
      '    retry: { attempts: 2, base_delay_ms: 10 }',
      '  - name: inbox',
      '    kind: local',
      '    folder: ${E2E_INBOX}',
    );
    project = await createFixtureProject({ 'sources/extract.yml': ['extract:', ...sources, ''].join('\n') }, { name: 'extract_e2e' });
    for (const server of s3Servers) await s3Deliver(server, prefix, { 'orders.csv': manyOrders(25), 'invoices.csv': invoicesCsv(5), 'notes.txt': 'not an input' });
    await sftpDeliver(sshd, prefix, { 'orders.csv': manyOrders(30), 'sub/invoices_2024.csv': invoicesCsv(6) });
    await localDeliver(inbox, { 'orders.csv': manyOrders(7) });
  });
  afterAll(async () => {
    await project?.cleanup();
    await rm(inbox, { recursive: true, force: true });
  });

  const extract = (args: string[] = [], extraEnv: Record<string, string> = {}) =>
    runCli(['extract', '--project-dir', project.dir, '--log-format', 'json', ...args], { env: { ...env, ...extraEnv } });

  /** The summary line of each source in a JSON-lines output. */
  const summaries = (stdout: string) =>
    Object.fromEntries(
      jsonLines(stdout)
        .filter((l) => typeof l.message === 'string' && /^extract \S+: (\d+ loaded|not read)/.test(l.message))
        .map((l) => [l.source, l.message]),
    );

  async function inWarehouse<T>(read: (wh: Warehouse) => Promise<T>): Promise<T> {
    const wh = await Warehouse.open({ path: project.path('warehouse.duckdb') }, { readOnly: true });
    try {
      return await read(wh);
    } finally {
      wh.close();
    }
  }

  it('lands every source in one run; a second run lands nothing', async () => {
    const first = await extract();
    // Only the AWS SDK's notice that it will need Node 22 from 2027 (printed by the SDK itself on Node 20).
    expect(first.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?c895JFp\n(\(Use `node --trace-warnings[^\n]*\n)?/, '')).toBe('');
    expect(first.code).toBe(0);
    const expected: Record<string, string> = {
      sftp: 'extract sftp: 2 loaded, 0 identical re-deliveries, 0 unchanged, 0 unreadable, 0 not downloaded',
      inbox: 'extract inbox: 1 loaded, 0 identical re-deliveries, 0 unchanged, 0 unreadable, 0 not downloaded',
    };
    for (const s of s3Servers) expected[`s3_${s.kind}`] = `extract s3_${s.kind}: 2 loaded, 0 identical re-deliveries, 0 unchanged, 1 unreadable, 0 not downloaded`;
    expect(summaries(first.stdout)).toEqual(expected);
    const lines = jsonLines(first.stdout);
    expect(new Set(lines.map((l) => l.invocation_id)).size).toBe(1);
    expect(lines.find((l) => l.level === 'warn' && l.file === 'notes.txt')?.code).toBe('UNKNOWN_FILE_TYPE');

    const counts = await inWarehouse((wh) => wh.rows('SELECT _source AS source, count(*)::INT AS n FROM raw.orders GROUP BY ALL ORDER BY ALL'));
    expect(counts).toEqual(
      [...s3Servers.map((s) => ({ source: `s3_${s.kind}`, n: 25 })), { source: 'sftp', n: 30 }, { source: 'inbox', n: 7 }].sort((a, b) => (a.source < b.source ? -1 : 1)),
    );

    const second = await extract();
    expect(second.code).toBe(0);
    for (const message of Object.values(summaries(second.stdout))) expect(message).toMatch(/: 0 loaded, 0 identical re-deliveries, \d unchanged/);
    expect(await inWarehouse((wh) => wh.scalar('SELECT count(*)::INT FROM raw.orders'))).toBe(counts.reduce((a, c) => a + (c.n as number), 0));
  });

  it('--source picks one source; an unknown one is a usage error with a suggestion', async () => {
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(2) });
    const one = await extract(['--source', 'inbox']);
    expect(one.code).toBe(0);
    expect(Object.keys(summaries(one.stdout))).toEqual(['inbox']);
    const unknown = await extract(['--source', 'inbx']);
    expect(unknown.code).toBe(2);
    expect(jsonLines(unknown.stdout).find((l) => l.level === 'error')?.message).toMatch(/no extract source named "inbx".*inbox/);
  });

  it('--full-reload relands every file of a source, replacing its earlier rows', async () => {
    const result = await extract(['--source', 'sftp', '--full-reload']);
    expect(result.code).toBe(0);
    expect(summaries(result.stdout)).toEqual({ sftp: 'extract sftp: 2 loaded, 0 identical re-deliveries, 0 unchanged, 0 unreadable, 0 not downloaded' });
    const rows = await inWarehouse((wh) => wh.rows("SELECT count(*)::INT AS n, count(DISTINCT _version)::INT AS versions FROM raw.orders WHERE _source = 'sftp'"));
    expect(rows).toEqual([{ n: 30, versions: 1 }]);
  });

  it('wrong credentials: exit 1, a clear error naming the source, and no secret in any output or table', async () => {
    const wrong = { s3: `wrong-s3-secret-${uniqueName('x')}`, sftp: `wrong-sftp-password-${uniqueName('y')}` };
    const wrongEnv: Record<string, string> = { E2E_SFTP_PASSWORD: wrong.sftp };
    s3Servers.forEach((_s, i) => Object.assign(wrongEnv, { [`E2E_S3_KEY_${i}`]: 'AKIAREVRECNOSUCHKEY0', [`E2E_S3_SECRET_${i}`]: wrong.s3 }));
    for (const format of ['json', 'text']) {
      const result = await runCli(['extract', '--project-dir', project.dir, '--log-format', format], { env: { ...env, ...wrongEnv } });
      expect(result.code).toBe(1);
      const output = `${result.stdout}\n${result.stderr}`;
      expect(output).toMatch(/extract sftp: sftp:\/\/revrec-sftp@127\.0\.0\.1:\d+\/~\/e2e-\w+: list failed: SFTP login refused/);
      for (const s of s3Servers) expect(output).toMatch(new RegExp(`extract s3_${s.kind}: s3://${s.bucket}/${prefix}/ at http://127\\.0\\.0\\.1:\\d+: list failed: S3 InvalidAccessKeyId`));
      expect(output).toMatch(/extract inbox: 0 loaded/); // the other sources still ran
      const secrets = [wrong.s3, wrong.sftp, sshd.password, ...s3Servers.map((s) => s.secretAccessKey)];
      for (const secret of secrets) expect(output.includes(secret), `secret in ${format} output`).toBe(false);
    }
    const stored = await inWarehouse(async (wh) => {
      const parts: string[] = [];
      for (const t of await wh.rows<{ s: string; t: string }>("SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE schema_name IN ('meta', 'raw')")) {
        parts.push(JSON.stringify(await wh.rows(`SELECT * FROM "${t.s}"."${t.t}"`)));
      }
      return parts.join('\n');
    });
    expect(stored).toContain('SFTP login refused');
    for (const secret of [wrong.s3, wrong.sftp, sshd.password, ...s3Servers.map((s) => s.secretAccessKey)]) expect(stored.includes(secret)).toBe(false);
  });

  it.each(s3Servers.map((s, i) => [s.kind, s, i] as const))(
    'a download that fails after its retries exits 1 naming source and file; the next run completes (%s)',
    async (kind, server, i) => {
      await s3Deliver(server, prefix, { 'orders_big.csv': manyOrders(4000, 'BIG') });
      const endpoint = new URL(server.endpoint);
      const proxy = await startCutProxy({ targetHost: endpoint.hostname, targetPort: Number(endpoint.port), cutAfterBytes: 150_000 });
      try {
        const cut = await extract(['--source', `s3_${kind}`], { [`E2E_S3_ENDPOINT_${i}`]: `http://127.0.0.1:${proxy.port}` });
        expect(cut.code).toBe(1);
        const lines = jsonLines(cut.stdout);
        expect(lines.filter((l) => l.level === 'warn' && l.action === 'download').map((l) => l.file)).toEqual(['orders_big.csv']);
        const error = lines.find((l) => l.level === 'error' && l.file === 'orders_big.csv');
        expect(error?.message).toMatch(new RegExp(`^s3_${kind}: orders_big\\.csv could not be downloaded: s3://.*download of 'orders_big\\.csv' failed after 2 attempts`));
      } finally {
        await proxy.stop();
      }
      const healed = await extract(['--source', `s3_${kind}`]);
      expect(healed.code).toBe(0);
      expect(summaries(healed.stdout)[`s3_${kind}`]).toMatch(/: 1 loaded, 0 identical re-deliveries, 2 unchanged, 1 unreadable/);
      expect(await inWarehouse((wh) => wh.scalar(`SELECT count(*)::INT FROM raw.orders WHERE _source = 's3_${kind}' AND _file = 'orders_big.csv'`))).toBe(4000);
    },
  );
});

describe('revrec extract --if-due (CLI, REVREC_NOW)', () => {
  let project: FixtureProject;
  beforeAll(async () => {
    project = await createFixtureProject({
      'inbox/invoices.csv': invoicesCsv(1),
      'sources/extract.yml': `
        extract:
          - name: daily
            kind: local
            folder: inbox
          - name: weekly
            kind: local
            folder: inbox
            schedule: { every: weekly, day: monday, at: "06:00", timezone: Europe/London }
          - name: monthly
            kind: local
            folder: inbox
            schedule: { every: monthly, day_of_month: 1, at: "02:00", timezone: UTC }
      `,
    });
  });
  afterAll(async () => {
    await project?.cleanup();
  });

  /** Which sources ran at REVREC_NOW = `now`. */
  async function ranAt(now: string): Promise<string[]> {
    const result = await runCli(['extract', '--if-due', '--project-dir', project.dir, '--log-format', 'json'], { env: { REVREC_NOW: now } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    const notDue = lines.filter((l) => l.due === false).map((l) => l.source);
    const ran = lines.filter((l) => typeof l.message === 'string' && /^extract \S+ \(local/.test(l.message)).map((l) => l.source as string);
    expect([...ran, ...notDue].sort()).toEqual(['daily', 'monthly', 'weekly']);
    return ran;
  }

  it('runs each source when its schedule says so (daily at midnight US Eastern by default, weekly, monthly)', async () => {
    expect(await ranAt('2024-01-31T12:00:00Z')).toEqual(['daily', 'weekly', 'monthly']); // first run: all due
    // `folder: inbox` is the project's inbox although the CLI runs in another folder.
    const wh = await Warehouse.open({ path: project.path('warehouse.duckdb') }, { readOnly: true });
    try {
      expect(await wh.rows('SELECT _source AS source, count(*)::INT AS n FROM raw.invoices GROUP BY ALL ORDER BY ALL')).toEqual([
        { source: 'daily', n: 1 },
        { source: 'monthly', n: 1 },
        { source: 'weekly', n: 1 },
      ]);
    } finally {
      wh.close();
    }
    expect(await ranAt('2024-02-01T02:00:00Z')).toEqual(['monthly']); // 1st 02:00 UTC; 21:00 EST on the 31st
    expect(await ranAt('2024-02-01T05:00:00Z')).toEqual(['daily']); // midnight EST
    expect(await ranAt('2024-02-05T06:00:00Z')).toEqual(['daily', 'weekly']); // Monday 06:00 London
  });

  it('warns when a local folder does not exist instead of silently finding nothing', async () => {
    const other = await createFixtureProject({ 'sources/extract.yml': 'extract:\n  - name: typo\n    kind: local\n    folder: inbx\n' });
    try {
      const result = await runCli(['extract', '--project-dir', other.dir, '--log-format', 'json']);
      expect(result.code).toBe(0);
      const warning = jsonLines(result.stdout).find((l) => l.level === 'warn');
      expect(warning?.message).toBe(`extract typo: the folder ${other.path('inbx')} does not exist, so there is nothing to extract; check folder: of the source`);
    } finally {
      await other.cleanup();
    }
  });

  it('REVREC_NOW that is not a time is a usage error', async () => {
    const result = await runCli(['extract', '--if-due', '--project-dir', project.dir, '--log-format', 'json'], { env: { REVREC_NOW: 'tomorrow' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('REVREC_NOW is not an ISO 8601 time');
  });
});

describe('latest version wins in staging (the project models, CLI)', () => {
  let dir: string;
  let inbox: string;
  beforeAll(async () => {
    await assertCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'revrec-e2e-project-'));
    inbox = join(dir, 'inbox');
    for (const part of ['pipeline.yml', 'models', 'macros', 'seeds', 'sources']) await cp(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a changed orders file re-delivered under its name replaces the earlier version of each line in stg_orders', async () => {
    const cli = (...args: string[]) => runCli([...args, '--project-dir', dir, '--log-format', 'json'], { env: { REVREC_INBOX: inbox }, timeoutMs: 120_000 });
    await localDeliver(inbox, { 'orders.csv': ordersCsv([['V-1', '100.00'], ['W-1', '100.00']]) }, new Date('2024-05-01T00:00:00Z'));
    expect((await cli('extract')).code).toBe(0);
    await localDeliver(inbox, { 'orders.csv': ordersCsv([['V-1', '100.00'], ['W-1', '250.00'], ['X-1', '75.50']]) }, new Date('2024-05-02T00:00:00Z'));
    const second = await cli('extract');
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout).some((l) => l.message === 'inbox: loaded orders.csv as version 2 (3 rows)')).toBe(true);
    const build = await cli('build', '--select', '+stg_orders');
    expect(build.code, build.stdout).toBe(0);

    const wh = await Warehouse.open({ path: join(dir, 'warehouse/revrec.duckdb') }, { readOnly: true });
    try {
      const rows = await wh.rows(
        'SELECT sales_order_item_id AS item, _version::INT AS version, sale_price_e6::VARCHAR AS price_e6, row_status FROM staging.stg_orders ORDER BY item, version',
      );
      expect(rows).toEqual([
        { item: 'V-1', version: 1, price_e6: '100000000', row_status: 'superseded' },
        { item: 'V-1', version: 2, price_e6: '100000000', row_status: 'current' },
        { item: 'W-1', version: 1, price_e6: '100000000', row_status: 'superseded' },
        { item: 'W-1', version: 2, price_e6: '250000000', row_status: 'current' },
        { item: 'X-1', version: 2, price_e6: '75500000', row_status: 'current' },
      ]);
    } finally {
      wh.close();
    }
  });
});
