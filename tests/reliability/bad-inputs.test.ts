import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import { generatedBadInputs } from '../fixtures/bad-inputs/generate-bad-inputs.js';
import { recordFigures } from './support/figures.js';
import { checkLedger, openReadOnly } from './support/ledger.js';
import type { DeliveredFile } from './support/ledger.js';
import { s3Put } from './support/remote-files.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, REPO_ROOT, runRevrec } from './support/revrec-process.js';
import type { RevrecRun } from './support/revrec-process.js';

/**
 * The bad-input corpus (tests/fixtures/bad-inputs, outcomes in expectations.json) delivered next to a good company:
 * each input ends in the stage area or as a failed load with its code, the run goes on, nothing else is lost.
 */

interface BadInput {
  readonly name: string;
  readonly file: string;
  readonly deliver_as?: string;
  readonly via?: 'local' | 's3';
  readonly outcome: 'failed' | 'loaded';
  readonly code?: string;
  readonly message_contains?: string;
  readonly records?: number;
  readonly staged?: readonly { row: number; code: string }[];
  readonly superseded?: readonly number[];
  readonly extra_keys?: readonly string[];
  readonly ignored?: readonly string[];
  readonly export?: { readonly type: string; readonly contains: readonly string[]; readonly absent: readonly string[] };
}

const CORPUS = join(REPO_ROOT, 'tests/fixtures/bad-inputs');
const CASES = (JSON.parse(readFileSync(join(CORPUS, 'expectations.json'), 'utf8')) as { cases: BadInput[] }).cases;
const s3 = inject('s3Servers').find((s) => s.kind === 's3rver');
const PREFIX = `bad-inputs-${Date.now().toString(36)}`;
const keyOf = (c: BadInput) => c.deliver_as ?? c.file.replace(/^generated:/, '');
const sourceOf = (c: BadInput) => (c.via === 's3' ? 'bad_s3' : 'inbox');

let root: string;
let project: string;
let state: string;
let good: DeliveredFile[];
let pipeline: RevrecRun;
let staged: { file: string; row: number | null; code: string; status: string; message: string }[];
let manifest: { source: string; file_key: string; status: string; error_code: string | null; error_message: string | null; ignored: string | null; version: string }[];
const outcomes = new Map<string, boolean>();

beforeAll(async () => {
  if (!s3) throw new Error('tests/global-setup.ts did not start s3rver');
  root = await mkdtemp(join(tmpdir(), 'revrec-bad-inputs-'));
  state = join(root, 'state');
  await prepareState(state);
  project = await createProject(join(root, 'project'), {
    extract: [
      { name: 'inbox', kind: 'local', folder: '${REVREC_INBOX}' },
      { name: 'bad_s3', kind: 's3', bucket: s3.bucket, prefix: PREFIX, region: s3.region, endpoint: s3.endpoint, access_key_id: '${RR_S3_KEY}', secret_access_key: '${RR_S3_SECRET}' },
    ],
  });
  const inbox = join(state, 'inbox');
  const summary = await generateCompany({ outDir: inbox, seed: 3, contracts: 12, months: 2, writeSummary: false });
  good = summary.files.map((f) => ({ key: f.name, rows: f.rows }));
  const generated = await generatedBadInputs();
  const toS3: Record<string, Buffer> = {};
  for (const c of CASES) {
    const bytes = c.file.startsWith('generated:') ? generated[c.file.slice('generated:'.length)]! : await readFile(join(CORPUS, c.file));
    expect(bytes, c.file).toBeDefined();
    if (c.via === 's3') toS3[keyOf(c)] = bytes;
    else await writeFile(join(inbox, keyOf(c)), bytes);
  }
  await s3Put(s3, PREFIX, toS3);
  pipeline = await runRevrec(['pipeline', '--all', '--project-dir', project, '--log-format', 'json'], { env: env() });
  const ls = await runRevrec(['stage', 'ls', '--json', '--project-dir', project, '--log-format', 'json'], { env: env() });
  expect(ls.code, describeRun(ls)).toBe(0);
  staged = (ls.stdout.split('\n').filter((l) => l.includes('"event":"result"')).map((l) => JSON.parse(l) as { data: typeof staged })[0] ?? { data: [] }).data;
  const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
  try {
    manifest = await wh.rows('SELECT source, file_key, status, error_code, error_message, CAST(ignored AS VARCHAR) AS ignored, CAST(version AS VARCHAR) AS version FROM meta.load_manifest ORDER BY version');
  } finally {
    wh.close();
  }
}, 180_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  return stateEnv(state, { RR_S3_KEY: s3!.accessKeyId, RR_S3_SECRET: s3!.secretAccessKey, REVREC_NOW: '2024-03-01T08:00:00Z' });
}

describe('the bad-input corpus', () => {
  it('the pipeline goes on: it finishes with warnings (exit 0), builds, tests and exports', () => {
    expect(pipeline.code, describeRun(pipeline)).toBe(0);
    expect(pipeline.stdout).toMatch(/step extract: warn \(\d+ file\(s\) loaded, \d+ unreadable, 0 transfer error\(s\)\)/);
    expect(pipeline.stdout).toMatch(/step build: success \(PASS=\d+ WARN=0 ERROR=0 SKIP=0\)/);
    expect(pipeline.stdout).toMatch(/step export: success/);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const key = keyOf(c);
    const rows = manifest.filter((m) => m.file_key === key && m.source === sourceOf(c));
    const ok = () => outcomes.set(c.name, true);
    outcomes.set(c.name, false);
    expect(rows, `${key}: ${JSON.stringify(manifest.map((m) => m.file_key))}`).toHaveLength(1);
    const row = rows[0]!;
    if (c.outcome === 'failed') {
      expect(row).toMatchObject({ status: 'failed', error_code: c.code });
      if (c.message_contains) expect(row.error_message).toContain(c.message_contains);
      expect(staged.filter((s) => s.file === key)).toEqual([]);
      ok();
      return;
    }
    expect(row, row.error_message ?? '').toMatchObject({ status: 'loaded', error_code: null });
    const entries = staged.filter((s) => s.file === key || s.file.startsWith(`${key}!`));
    expect(entries.map((s) => ({ row: s.row, code: s.code })).sort((a, b) => (a.row ?? 0) - (b.row ?? 0))).toEqual(c.staged ?? []);
    for (const s of entries) expect(s.message.length, JSON.stringify(s)).toBeGreaterThan(10);
    const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
    try {
      const ledger = await checkLedger(wh, [{ key, rows: c.records! }], { dispositions: false });
      expect(ledger.problems).toEqual([]);
      if (c.superseded) {
        const superseded = await wh.rows<{ r: string }>("SELECT CAST(_row AS VARCHAR) AS r FROM marts.fct_input_row_dispositions WHERE _file = $1 AND _version = $2 AND disposition = 'superseded' ORDER BY _row", [key, row.version]);
        expect(superseded.map((s) => Number(s.r))).toEqual(c.superseded);
      }
      if (c.extra_keys) {
        const extra = await wh.rows<{ e: string }>('SELECT CAST(_extra AS VARCHAR) AS e FROM raw.orders WHERE _file = $1', [key]);
        for (const e of extra) expect(Object.keys(JSON.parse(e.e) as object).sort()).toEqual([...c.extra_keys].sort());
      }
    } finally {
      wh.close();
    }
    if (c.ignored) expect((JSON.parse(row.ignored ?? '[]') as { name: string }[]).map((i) => i.name)).toEqual(c.ignored);
    if (c.export) {
      const outbox = join(state, 'outbox');
      const files = (await readdir(outbox)).filter((f) => f.startsWith(`continuousexport-${c.export!.type}-`) && f.endsWith('.csv'));
      const text = (await Promise.all(files.map((f) => readFile(join(outbox, f), 'utf8')))).join('\n');
      for (const s of c.export.contains) expect(text, `export of ${c.export.type} holds ${JSON.stringify(s)}`).toContain(s);
      for (const s of c.export.absent) expect(text, `export of ${c.export.type} lacks ${JSON.stringify(s)}`).not.toContain(s);
    }
    ok();
  });

  it('nothing else is lost: the good company lands whole and every landed row has one disposition; nothing ran outside', async () => {
    const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
    let ledger;
    try {
      const loaded = CASES.filter((c) => c.outcome === 'loaded').map((c) => ({ key: keyOf(c), rows: c.records! }));
      ledger = await checkLedger(wh, [...good, ...loaded], { dispositions: true });
      expect(ledger.problems).toEqual([]);
      // The raw tables and the manifest the injected names and headers talk about are all still there.
      expect(Number(await wh.scalar('SELECT count(*) FROM raw.orders'))).toBeGreaterThan(0);
      expect(Number(await wh.scalar('SELECT count(*) FROM meta.load_manifest'))).toBe(manifest.length);
    } finally {
      wh.close();
    }
    for (const dir of [REPO_ROOT, project, state, join(state, 'inbox'), join(state, 'tmp')]) {
      expect(existsSync(join(dir, 'pwned')), dir).toBe(false);
      expect(existsSync(join(dir, 'pwned-s3')), dir).toBe(false);
    }
    expect(existsSync(join(state, 'outside'))).toBe(false);
    // Run again: the refused files are not read nor recorded again until a corrected file arrives.
    const again = await runRevrec(['extract', '--project-dir', project, '--log-format', 'json'], { env: env() });
    expect(again.code, describeRun(again)).toBe(0);
    const after = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
    try {
      expect(Number(await after.scalar('SELECT count(*) FROM meta.load_manifest'))).toBe(manifest.length);
    } finally {
      after.close();
    }
    expect(CASES.filter((c) => !outcomes.get(c.name)).map((c) => c.name)).toEqual([]);
    await recordFigures('bad-inputs', { bad_inputs: CASES.length, faults_injected: CASES.length, records_checked: ledger.rows, records_lost: ledger.lost, records_double_counted: ledger.doubled });
  }, 60_000);
});
