import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import type { CutProxy, CutProxyOptions } from '../support/servers/tcp-cut-proxy.js';
import { startCutProxy } from '../support/servers/tcp-cut-proxy.js';
import { recordFigures } from './support/figures.js';
import { checkLedger, openReadOnly } from './support/ledger.js';
import type { DeliveredFile } from './support/ledger.js';
import { bulkOrders, localGet, s3Get, s3Put, sftpGet, sftpPut } from './support/remote-files.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, runRevrec } from './support/revrec-process.js';
import type { RevrecRun } from './support/revrec-process.js';

/**
 * Server faults during `revrec pipeline` and `revrec period close`, against the real test servers (s3rver, OpenSSH
 * sshd) behind TCP proxies (tests/support/servers/tcp-cut-proxy.ts) that cut connections after N bytes, or are
 * stopped mid-transfer, or were never there (connection refused). Sources and destinations are S3 and SFTP, plus a
 * local destination that never fails (what the others must end up holding, byte for byte).
 *
 * Each faulty run must retry, then fail cleanly (exit 1) naming the file (extract) or the destination and file
 * (export); the next healthy run completes the work: every delivered row landed exactly once, every export file at
 * every destination, identical to the local one, and matching the bookkeeping.
 */

const s3 = inject('s3Servers').find((s) => s.kind === 's3rver');
const sftp = inject('sftpServer');
const RUN = `reliability-${randomUUID().slice(0, 8)}`;

type Link = 's3In' | 'sftpIn' | 's3Out' | 'sftpOut';
/** A link's fault for one run: none, a cut proxy, stopped on its first cut, or nothing listening at all. */
type Fault = { readonly cut: Omit<CutProxyOptions, 'targetHost' | 'targetPort'>; readonly stopOnCut?: boolean } | 'refused' | undefined;

let root: string;
let project: string;
let state: string;
const delivered: DeliveredFile[] = [];
const figures = { trials: 0, faults: 0, rows: 0, lost: 0, doubled: 0 };
const runs: RevrecRun[] = [];

beforeAll(async () => {
  if (!s3 || !sftp) throw new Error('tests/global-setup.ts did not start s3rver and sshd');
  root = await mkdtemp(join(tmpdir(), 'revrec-faults-'));
  state = join(root, 'state');
  await prepareState(state);
  const retry = { attempts: 3, base_delay_ms: '${RR_RETRY_MS:-5}', max_delay_ms: 300 };
  const s3Common = { bucket: s3.bucket, region: s3.region, access_key_id: '${RR_S3_KEY}', secret_access_key: '${RR_S3_SECRET}' };
  const sftpCommon = { host: '127.0.0.1', username: sftp.username, password: '${RR_SFTP_PASSWORD}', host_key: sftp.hostKeySha256 };
  project = await createProject(join(root, 'project'), {
    extract: [
      { name: 's3in', kind: 's3', ...s3Common, prefix: `${RUN}/in`, endpoint: 'http://127.0.0.1:${RR_S3_IN_PORT}', retry },
      { name: 'sftpin', kind: 'sftp', ...sftpCommon, port: '${RR_SFTP_IN_PORT}', folder: `${RUN}/in`, retry },
    ],
    exports: {
      destinations: [
        { name: 'outbox', kind: 'local', folder: '${REVREC_OUTBOX}' },
        { name: 's3out', kind: 's3', ...s3Common, prefix: `${RUN}/out`, endpoint: 'http://127.0.0.1:${RR_S3_OUT_PORT}' },
        { name: 'sftpout', kind: 'sftp', ...sftpCommon, port: '${RR_SFTP_OUT_PORT}', folder: `${RUN}-out` },
      ],
      close_period: { formats: ['csv'], destinations: ['outbox', 's3out', 'sftpout'] },
      continuous: { formats: ['csv'], destinations: ['outbox', 's3out', 'sftpout'] },
    },
  });
  // A small company split over the two sources, plus one file on each big enough (about 40 KB) to be cut mid-way.
  const sample = join(root, 'sample');
  const summary = await generateCompany({ outDir: sample, seed: 5, contracts: 12, months: 2, writeSummary: false });
  const { readFile } = await import('node:fs/promises');
  const onS3 = new Set(['orders.csv', 'invoices.csv', 'commissions.csv']);
  const s3Files: Record<string, Buffer | string> = { 'orders_bulk_s3.csv': bulkOrders('S3B', 360) };
  const sftpFiles: Record<string, Buffer | string> = { 'orders_bulk_sftp.csv': bulkOrders('SFB', 360) };
  for (const f of summary.files) {
    (onS3.has(f.name) ? s3Files : sftpFiles)[f.name] = await readFile(join(sample, f.name));
    delivered.push({ key: f.name, rows: f.rows });
  }
  delivered.push({ key: 'orders_bulk_s3.csv', rows: 360 }, { key: 'orders_bulk_sftp.csv', rows: 360 });
  await s3Put(s3, `${RUN}/in`, s3Files);
  await sftpPut(sftp, `${RUN}/in`, sftpFiles, new Date('2024-03-31T12:00:00Z'));
}, 60_000);

afterAll(async () => {
  if (root && !process.env.RR_KEEP) await rm(root, { recursive: true, force: true });
});

/** Runs one command with each link healthy or faulty as asked; counts the faults injected. */
async function runWith(args: readonly string[], faults: Partial<Record<Link, Fault>>, extraEnv: NodeJS.ProcessEnv = {}): Promise<RevrecRun> {
  const targets: Record<Link, { host: string; port: number }> = {
    s3In: hostPort(s3!.endpoint),
    s3Out: hostPort(s3!.endpoint),
    sftpIn: { host: sftp!.host, port: sftp!.port },
    sftpOut: { host: sftp!.host, port: sftp!.port },
  };
  const proxies: CutProxy[] = [];
  const ports: Partial<Record<Link, number>> = {};
  const watchers: NodeJS.Timeout[] = [];
  let faults_ = 0;
  for (const link of Object.keys(targets) as Link[]) {
    const fault = faults[link];
    const proxy = await startCutProxy({ targetHost: targets[link].host, targetPort: targets[link].port, ...(fault && fault !== 'refused' ? fault.cut : {}) });
    ports[link] = proxy.port;
    if (fault === 'refused') {
      await proxy.stop(); // the port is free again: connections are refused, as by a stopped server
      faults_++;
      continue;
    }
    proxies.push(proxy);
    if (fault?.stopOnCut) {
      // The server goes away in the middle of a transfer: stop listening at the first cut.
      const watcher = setInterval(() => {
        if (proxy.cuts() > 0) {
          clearInterval(watcher);
          void proxy.stop();
        }
      }, 1);
      watchers.push(watcher);
    }
  }
  try {
    const run = await runRevrec([...args, '--project-dir', project, '--log-format', 'json'], {
      env: stateEnv(state, {
        RR_S3_IN_PORT: String(ports.s3In),
        RR_S3_OUT_PORT: String(ports.s3Out),
        RR_SFTP_IN_PORT: String(ports.sftpIn),
        RR_SFTP_OUT_PORT: String(ports.sftpOut),
        RR_S3_KEY: s3!.accessKeyId,
        RR_S3_SECRET: s3!.secretAccessKey,
        RR_SFTP_PASSWORD: sftp!.password,
        ...extraEnv,
      }),
    });
    runs.push(run);
    return run;
  } finally {
    for (const w of watchers) clearInterval(w);
    for (const p of proxies) {
      faults_ += p.cuts();
      await p.stop().catch(() => undefined);
    }
    if (Object.values(faults).some(Boolean)) figures.trials++;
    figures.faults += faults_;
  }
}

function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname, port: Number(url.port) };
}

function logLines(run: RevrecRun): Array<Record<string, unknown> & { message?: string }> {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Ledger of the warehouse after a run: every delivered row once. */
async function expectNothingLostOrDoubled(files: readonly DeliveredFile[]): Promise<void> {
  const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
  try {
    const ledger = await checkLedger(wh, files, { dispositions: true });
    figures.rows += ledger.rows;
    figures.lost += ledger.lost;
    figures.doubled += ledger.doubled;
    expect(ledger.problems).toEqual([]);
  } finally {
    wh.close();
  }
}

/**
 * Every destination holds exactly what the local one holds (names and bytes), each manifest's files with its SHA-256,
 * and every record the continuous export remembers as sent sits in a file that is there.
 */
async function expectDestinationsComplete(): Promise<void> {
  const local = await localGet(join(state, 'outbox'));
  expect(local.size).toBeGreaterThan(0);
  const remote = { s3out: await s3Get(s3!, `${RUN}/out`), sftpout: await sftpGet(sftp!, `${RUN}-out`) };
  for (const [name, files] of Object.entries(remote)) {
    expect([...files.keys()].sort(), name).toEqual([...local.keys()].sort());
    for (const [file, bytes] of local) expect(files.get(file)?.equals(bytes), `${name}/${file}`).toBe(true);
  }
  // Each file against the newest manifest listing it. (A continuous file name is reused when a later run's highest
  // Version in a type is the same: the later file bundles the earlier records, and only the later manifest describes
  // it; the earlier manifest keeps the earlier checksum. See the report: an open question of the naming in exports.md.)
  const newest = new Map<string, { manifest: string; sha256: string }>();
  const manifests = [...local.keys()].filter((f) => f.endsWith('.json')).sort((a, b) => Number(/(\d+)\.json$/.exec(a)![1]) - Number(/(\d+)\.json$/.exec(b)![1]));
  for (const manifest of manifests) {
    for (const entry of (JSON.parse(local.get(manifest)!.toString()) as { files: { name: string; sha256: string }[] }).files) newest.set(entry.name, { manifest, sha256: entry.sha256 });
  }
  for (const [name, { manifest, sha256 }] of newest) {
    const bytes = local.get(name);
    expect(bytes, `${manifest} lists ${name}`).toBeDefined();
    expect(createHash('sha256').update(bytes!).digest('hex'), `${manifest} lists ${name}`).toBe(sha256);
  }
  for (const name of local.keys()) if (!name.endsWith('.json')) expect(newest.has(name), `${name} is in a manifest`).toBe(true);
  const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
  try {
    const tables = await wh.rows<{ table_name: string }>("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name LIKE 'continuous_sent_%'");
    for (const { table_name } of tables) {
      const type = table_name.slice('continuous_sent_'.length);
      const versions = await wh.rows<{ v: string; n: string }>(`SELECT CAST(_file_version AS VARCHAR) AS v, CAST(count(*) AS VARCHAR) AS n FROM meta."${table_name}" GROUP BY ALL`);
      for (const { v, n } of versions) {
        const file = `continuousexport-${type}-${v}.csv`;
        if (!local.has(file)) figures.lost += Number(n);
        expect(local.has(file), `${n} ${type} record(s) were sent in ${file}`).toBe(true);
      }
    }
  } finally {
    wh.close();
  }
}

describe('server faults during extract and export (S3 and SFTP)', () => {
  const big = { cutAfterBytes: 20_000, direction: 'download' } as const;

  it('extract: a connection cut mid-download on every try fails cleanly naming the file; the rest lands', async () => {
    const run = await runWith(['pipeline', '--all'], { s3In: { cut: big }, sftpIn: { cut: big } });
    expect(run.code, describeRun(run)).toBe(1);
    const lines = logLines(run);
    for (const [source, file] of [
      ['s3in', 'orders_bulk_s3.csv'],
      ['sftpin', 'orders_bulk_sftp.csv'],
    ]) {
      const failure = lines.find((l) => l.code === 'TRANSFER_ERROR' && l.file === file);
      expect(failure, describeRun(run)).toMatchObject({ level: 'error', source });
      expect(failure!.message).toContain(`${source}: ${file} could not be downloaded`);
      expect(lines.filter((l) => l.level === 'warn' && l.file === file && String(l.message).includes('trying again')).length).toBeGreaterThanOrEqual(2);
    }
    expect(lines.find((l) => String(l.message).startsWith('step extract: error'))?.message).toMatch(/transfer error\(s\)/);
    await expectNothingLostOrDoubled(delivered.filter((f) => !f.key.startsWith('orders_bulk')));
  }, 120_000);

  it('the next run lands them (a cut on the way is retried) while the S3 upload is cut on every try and the SFTP server is down: the export fails naming destination and file', async () => {
    const run = await runWith(['pipeline', '--all'], {
      s3In: { cut: { ...big, cutConnections: 1 } },
      sftpIn: { cut: { ...big, cutConnections: 1 } },
      s3Out: { cut: { cutAfterBytes: 1500, direction: 'upload' } },
      sftpOut: 'refused',
    });
    expect(run.code, describeRun(run)).toBe(1);
    const lines = logLines(run);
    const exportStep = String(lines.find((l) => String(l.message).startsWith('step export: error'))?.message);
    expect(exportStep, describeRun(run)).toMatch(/continuous export failed: .*export delivery to destination "(s3out|sftpout)" \((s3|sftp):\/\/[^)]+\) failed for continuousexport-[a-z_]+-\d+\.(csv|json)/);
    for (const destination of ['s3out', 'sftpout']) {
      expect(lines.find((l) => l.level === 'error' && l.destination === destination)?.message, destination).toMatch(/: 0 of \d+ file\(s\) delivered|: \d+ of \d+ file\(s\) delivered/);
    }
    await expectNothingLostOrDoubled(delivered);
  }, 120_000);

  it('then a healthy run delivers the same files everywhere; nothing lost or doubled', async () => {
    const run = await runWith(['pipeline', '--all'], {});
    expect(run.code, describeRun(run)).toBe(0);
    await expectNothingLostOrDoubled(delivered);
    await expectDestinationsComplete();
  }, 120_000);

  it('extract: the servers stop in the middle of a download: retries, then a clean failure naming the file', async () => {
    const late = { 'orders_bulk2_s3.csv': bulkOrders('S3C', 360) };
    const lateSftp = { 'orders_bulk2_sftp.csv': bulkOrders('SFC', 360) };
    await s3Put(s3!, `${RUN}/in`, late);
    await sftpPut(sftp!, `${RUN}/in`, lateSftp, new Date('2024-03-31T13:00:00Z'));
    const run = await runWith(['pipeline', '--all'], { s3In: { cut: big, stopOnCut: true }, sftpIn: { cut: big, stopOnCut: true } }, { RR_RETRY_MS: '150' });
    expect(run.code, describeRun(run)).toBe(1);
    const lines = logLines(run);
    for (const file of ['orders_bulk2_s3.csv', 'orders_bulk2_sftp.csv']) {
      expect(lines.find((l) => l.code === 'TRANSFER_ERROR' && l.file === file)?.message, describeRun(run)).toContain(`${file} could not be downloaded`);
    }
    expect(run.stdout).toMatch(/ECONNREFUSED|connect|refused/i);
    await expectNothingLostOrDoubled(delivered);
    delivered.push({ key: 'orders_bulk2_s3.csv', rows: 360 }, { key: 'orders_bulk2_sftp.csv', rows: 360 });
  }, 120_000);

  it('close: the close-period export fails at S3 (down) and SFTP (cut on every try); the period stays closed and the next pipeline delivers it', async () => {
    const close = await runWith(['period', 'close', '--period', '202401', '--force'], { s3Out: 'refused', sftpOut: { cut: { cutAfterBytes: 1500, direction: 'upload' } } });
    expect(close.code, describeRun(close)).toBe(1);
    const failure = logLines(close).find((l) => String(l.message).includes('stays closed, but its close-period export failed'));
    expect(failure?.message, describeRun(close)).toMatch(/export delivery to destination "(s3out|sftpout)" \([^)]+\) failed for closedperiodexport-[a-z_]+-202401\.(csv|json)/);
    const run = await runWith(['pipeline', '--all'], {});
    expect(run.code, describeRun(run)).toBe(0);
    expect(logLines(run).map((l) => String(l.message)).join('\n')).toMatch(/close-period export of 202401 retried: 10 file\(s\)/);
    await expectNothingLostOrDoubled(delivered);
    await expectDestinationsComplete();
    expect([...(await localGet(join(state, 'outbox'))).keys()].filter((f) => f.startsWith('closedperiodexport-'))).toHaveLength(10);
    await recordFigures('server-faults', { trials: figures.trials, faults_injected: figures.faults, records_checked: figures.rows, records_lost: figures.lost, records_double_counted: figures.doubled });
  }, 180_000);
});
