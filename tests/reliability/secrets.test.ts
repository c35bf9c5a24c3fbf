import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import { startCutProxy } from '../support/servers/tcp-cut-proxy.js';
import { recordFigures } from './support/figures.js';
import { openReadOnly } from './support/ledger.js';
import { s3Get, s3Put, sftpGet, sftpPut } from './support/remote-files.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, runRevrec } from './support/revrec-process.js';
import type { RevrecRun } from './support/revrec-process.js';

/**
 * Credentials never leave the process: a month end with S3 and SFTP sources and destinations (password, secret key,
 * an encrypted private key with its passphrase), plus runs that fail on wrong credentials, then every output is
 * searched for every secret used: stdout and stderr (JSON and text logs, errors), everything under target/ (run
 * artifacts, compiled SQL, the docs site), the warehouse (its bytes and a dump of every table, view definition and
 * comment), the published copy, the exports at every destination, the temporary folder. Then SFTP host-key pinning
 * through the CLI.
 */

const execFileAsync = promisify(execFile);
const s3 = inject('s3Servers').find((s) => s.kind === 's3rver');
const sftp = inject('sftpServer');
const RUN = `secrets-${randomUUID().slice(0, 8)}`;

let root: string;
let project: string;
let state: string;
let keyPath: string;
const passphrase = `pass-${randomBytes(12).toString('hex')}`;
const wrongS3Secret = `wrong-s3-${randomBytes(12).toString('hex')}`;
const wrongPassword = `wrong-pw-${randomBytes(12).toString('hex')}`;
const wrongPassphrase = `wrong-pp-${randomBytes(12).toString('hex')}`;
const runs: RevrecRun[] = [];
let secrets: Record<string, string>;

beforeAll(async () => {
  if (!s3 || !sftp) throw new Error('tests/global-setup.ts did not start s3rver and sshd');
  root = await mkdtemp(join(tmpdir(), 'revrec-secrets-'));
  state = join(root, 'state');
  await prepareState(state);
  // The test client key, encrypted with a passphrase: the destination logs in with it.
  keyPath = join(root, 'client_key');
  await copyFile(sftp.privateKeyPath, keyPath);
  await execFileAsync('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', keyPath]);
  const keyLines = (await readFile(keyPath, 'utf8')).split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
  secrets = {
    's3 secret access key': s3.secretAccessKey,
    'sftp password': sftp.password,
    'key passphrase': passphrase,
    'private key (line 2)': keyLines[1]!,
    'private key (last line)': keyLines.at(-1)!,
    'wrong s3 secret': wrongS3Secret,
    'wrong sftp password': wrongPassword,
    'wrong passphrase': wrongPassphrase,
  };
  project = await createProject(join(root, 'project'), {
    extract: [
      { name: 'bucket', kind: 's3', bucket: s3.bucket, prefix: `${RUN}/in`, region: s3.region, endpoint: s3.endpoint, access_key_id: '${RR_S3_KEY}', secret_access_key: '${RR_S3_SECRET}', retry: { attempts: 2, base_delay_ms: 5 } },
      { name: 'partner', kind: 'sftp', host: sftp.host, port: '${RR_SFTP_PORT}', username: sftp.username, password: '${RR_SFTP_PASSWORD}', folder: `${RUN}-in`, host_key: '${RR_HOST_KEY}', retry: { attempts: 2, base_delay_ms: 5 } },
    ],
    exports: {
      destinations: [
        { name: 'outbox', kind: 'local', folder: '${REVREC_OUTBOX}' },
        { name: 'lake', kind: 's3', bucket: s3.bucket, prefix: `${RUN}/out`, region: s3.region, endpoint: s3.endpoint, access_key_id: '${RR_S3_KEY}', secret_access_key: '${RR_S3_SECRET}' },
        { name: 'erp', kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.username, private_key_path: keyPath, passphrase: '${RR_KEY_PASSPHRASE}', folder: `${RUN}-out`, host_key: sftp.hostKeySha256 },
      ],
      close_period: { formats: ['csv', 'parquet'], destinations: ['outbox', 'lake', 'erp'] },
      continuous: { formats: ['csv'], destinations: ['outbox', 'lake', 'erp'] },
    },
  });
  const sample = join(root, 'sample');
  const summary = await generateCompany({ outDir: sample, seed: 9, contracts: 8, months: 2, writeSummary: false });
  const s3Files: Record<string, Buffer> = {};
  const sftpFiles: Record<string, Buffer> = {};
  for (const f of summary.files) (f.name.startsWith('orders') || f.name.startsWith('fx') ? s3Files : sftpFiles)[f.name] = await readFile(join(sample, f.name));
  await s3Put(s3, `${RUN}/in`, s3Files);
  await sftpPut(sftp, `${RUN}-in`, sftpFiles, new Date('2024-02-28T12:00:00Z'));
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return stateEnv(state, {
    RR_S3_KEY: s3!.accessKeyId,
    RR_S3_SECRET: s3!.secretAccessKey,
    RR_SFTP_PASSWORD: sftp!.password,
    RR_SFTP_PORT: String(sftp!.port),
    RR_HOST_KEY: sftp!.hostKeySha256,
    RR_KEY_PASSPHRASE: passphrase,
    REVREC_NOW: '2024-03-01T08:00:00Z',
    ...extra,
  });
}

async function cli(args: readonly string[], extra: NodeJS.ProcessEnv = {}, format = 'json'): Promise<RevrecRun> {
  const run = await runRevrec([...args, '--project-dir', project, '--log-format', format], { env: env(extra) });
  runs.push(run);
  return run;
}

/** Every file under `dir` with its bytes (absent folder: none). */
async function filesUnder(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  if (!existsSync(dir)) return [];
  const out: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).size > 200 * 1024 * 1024) continue;
    out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/** Every row of every table, every view definition and every comment of a warehouse, as text. */
async function warehouseDump(path: string): Promise<string> {
  const wh = await openReadOnly(path);
  try {
    const parts: string[] = [];
    parts.push(JSON.stringify(await wh.rows('SELECT schema_name, view_name, sql, comment FROM duckdb_views() WHERE NOT internal')));
    parts.push(JSON.stringify(await wh.rows('SELECT schema_name, table_name, sql, comment FROM duckdb_tables()')));
    parts.push(JSON.stringify(await wh.rows('SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() WHERE comment IS NOT NULL')));
    for (const t of await wh.rows<{ schema_name: string; table_name: string }>('SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL')) {
      parts.push(JSON.stringify(await wh.rows(`SELECT * FROM "${t.schema_name}"."${t.table_name}"`)));
    }
    return parts.join('\n');
  } finally {
    wh.close();
  }
}

describe('secrets', () => {
  it('never appear in logs, errors, artifacts, the warehouse, the exports or the docs site', async () => {
    const first = await cli(['pipeline', '--all']);
    expect(first.code, describeRun(first)).toBe(0);
    const close = await cli(['period', 'close', '--period', '202401', '--force']);
    expect(close.code, describeRun(close)).toBe(0);
    const text = await cli(['pipeline', '--all'], {}, 'text');
    expect(text.code, describeRun(text)).toBe(0);
    // Wrong credentials: each fails with a clear error, and the wrong value is a secret too.
    // s3rver checks the key id, not the signature: both are wrong here.
    const badS3 = await cli(['extract', '--source', 'bucket'], { RR_S3_KEY: 'AKIAWRONGKEYID000000', RR_S3_SECRET: wrongS3Secret });
    expect(badS3.code, describeRun(badS3)).toBe(1);
    expect(badS3.stdout).toMatch(/bucket: .*(SignatureDoesNotMatch|signature|credentials|refused|InvalidAccessKeyId|403)/i);
    const badSftp = await cli(['extract', '--source', 'partner'], { RR_SFTP_PASSWORD: wrongPassword }, 'text');
    expect(badSftp.code, describeRun(badSftp)).toBe(1);
    expect(badSftp.stderr + badSftp.stdout).toMatch(/SFTP login refused/);
    const badKey = await cli(['export', 'close', '--period', '202401'], { RR_KEY_PASSPHRASE: wrongPassphrase });
    expect(badKey.code, describeRun(badKey)).toBe(1);
    expect(badKey.stdout).toMatch(/erp/);
    const docs = await cli(['docs', 'generate']);
    expect(docs.code, describeRun(docs)).toBe(0);
    for (const args of [['stage', 'ls', '--json'], ['period', 'status', '--json'], ['compile'], ['ls', '--output', 'json']]) {
      const run = await cli(args);
      expect(run.code, describeRun(run)).toBe(0);
    }

    const outputs: { label: string; bytes: Buffer }[] = [];
    for (const run of runs) outputs.push({ label: `revrec ${run.args.slice(0, 3).join(' ')} stdout`, bytes: Buffer.from(run.stdout) }, { label: `revrec ${run.args.slice(0, 3).join(' ')} stderr`, bytes: Buffer.from(run.stderr) });
    for (const dir of [join(state, 'target'), join(state, 'outbox'), join(state, 'warehouse'), join(state, 'tmp'), join(project)]) {
      for (const f of await filesUnder(dir)) outputs.push({ label: f.path, bytes: f.bytes });
    }
    for (const [name, bytes] of await s3Get(s3!, `${RUN}/out`)) outputs.push({ label: `s3://${RUN}/out/${name}`, bytes });
    for (const [name, bytes] of await sftpGet(sftp!, `${RUN}-out`)) outputs.push({ label: `sftp:${RUN}-out/${name}`, bytes });
    outputs.push({ label: 'warehouse dump', bytes: Buffer.from(await warehouseDump(join(state, 'warehouse', 'revrec.duckdb'))) });
    outputs.push({ label: 'published dump', bytes: Buffer.from(await warehouseDump(join(state, 'warehouse', 'published.duckdb'))) });
    expect(outputs.some((o) => o.label.endsWith(join('docs', 'index.html')))).toBe(true);
    expect(outputs.filter((o) => o.label.startsWith('s3://')).length).toBeGreaterThan(10);
    expect(outputs.filter((o) => o.label.startsWith('sftp:')).length).toBeGreaterThan(10);

    const leaks: string[] = [];
    for (const [what, secret] of Object.entries(secrets)) {
      for (const o of outputs) if (o.bytes.includes(Buffer.from(secret))) leaks.push(`${what} in ${o.label}`);
    }
    expect(leaks).toEqual([]);
    // The redaction marks show the secrets were there to hide (in the failing runs' messages at least).
    await recordFigures('secrets', {
      trials: runs.length,
      faults_injected: 3,
      secrets_checked: Object.keys(secrets).length,
      outputs_scanned: outputs.length,
      records_lost: 0,
      records_double_counted: 0,
    });
  }, 240_000);

  it('SFTP host key pinning: a wrong pin is refused before login and not retried; a key line pins too; no pin is a usage error', async () => {
    const proxy = await startCutProxy({ targetHost: sftp!.host, targetPort: sftp!.port });
    try {
      const wrongPin = `SHA256:${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
      const refused = await cli(['extract', '--source', 'partner'], { RR_SFTP_PORT: String(proxy.port), RR_HOST_KEY: wrongPin });
      expect(refused.code, describeRun(refused)).toBe(1);
      expect(refused.stdout).toContain(`it presented host key ${sftp!.hostKeySha256}, expected ${wrongPin}`);
      expect(proxy.connections()).toBe(1); // refused at once: no retry against an impostor
      const line = await cli(['extract', '--source', 'partner'], { RR_SFTP_PORT: String(proxy.port), RR_HOST_KEY: sftp!.hostPublicKey });
      expect(line.code, describeRun(line)).toBe(0);
      const none = await cli(['extract', '--source', 'partner'], { RR_HOST_KEY: '' });
      expect(none.code, describeRun(none)).toBe(2);
      expect(none.stdout).toMatch(/host_key is required for SFTP.*ssh-keyscan/);
      for (const run of [refused, line, none]) for (const secret of [sftp!.password]) expect(run.stdout + run.stderr).not.toContain(secret);
    } finally {
      await proxy.stop();
    }
  }, 120_000);
});
