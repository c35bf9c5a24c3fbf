import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import { createFixtureProject } from '../support/fixture-project.js';
import { recordFigures } from './support/figures.js';
import { checkLedger, openReadOnly } from './support/ledger.js';
import type { DeliveredFile } from './support/ledger.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, runRevrec } from './support/revrec-process.js';

/**
 * Names from outside never become SQL: file names, header and sheet names (the bad-input corpus and
 * tests/integration/extract/sql-injection.test.ts), and here the rest through the CLI: seed and model names and seed
 * headers, source and destination names, export paths (outbox, temporary folder, report file), and the stage
 * command's filters and reason.
 */

const HOSTILE = `x'"; DROP TABLE meta.load_manifest; --`;
let root: string;
let project: string;
let state: string;
let delivered: DeliveredFile[];
let attempts = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'revrec-identifiers-'));
  project = await createProject(join(root, 'project'));
  // The state folder, the outbox and the temporary folder all carry quotes and SQL in their paths.
  state = join(root, `state ${HOSTILE.replaceAll('/', '_')}`);
  await prepareState(state);
  const summary = await generateCompany({ outDir: join(state, 'inbox'), seed: 2, contracts: 8, months: 2, writeSummary: false });
  delivered = summary.files.map((f) => ({ key: f.name, rows: f.rows }));
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
  attempts++;
  return runRevrec([...args, '--project-dir', project, '--log-format', 'json'], { env: stateEnv(state, { REVREC_NOW: '2024-03-01T08:00:00Z', ...extra }) });
};

describe('SQL identifiers and literals built from outside input are quoted', () => {
  it('a pipeline whose warehouse, outbox and temporary folders have quotes and SQL in their paths runs and exports', async () => {
    const run = await cli(['pipeline', '--all']);
    expect(run.code, describeRun(run)).toBe(0);
    expect((await readdir(join(state, 'outbox'))).filter((f) => f.startsWith('continuousexport-'))).not.toHaveLength(0);
    const close = await cli(['period', 'close', '--period', '202401', '--force']);
    expect(close.code, describeRun(close)).toBe(0);
    expect((await readdir(join(state, 'outbox'))).filter((f) => f.startsWith('closedperiodexport-'))).toHaveLength(10);
  }, 120_000);

  it('the revenue detail report goes to a file name full of SQL, as CSV and as XLSX', async () => {
    for (const format of ['csv', 'xlsx']) {
      const out = join(root, 'reports', `rd ${HOSTILE.replaceAll('/', '_')}.${format}`);
      await mkdir(join(root, 'reports'), { recursive: true });
      const run = await cli(['export', 'revenue-detail', '--period', '202401', '--format', format, '--out', out]);
      expect(run.code, describeRun(run)).toBe(0);
      expect(existsSync(out)).toBe(true);
    }
  }, 60_000);

  it('stage ls and stage rm take their filters and reason as values, never as SQL', async () => {
    const ls = await cli(['stage', 'ls', '--json', '--key', `' OR '1'='1`]);
    expect(ls.code, describeRun(ls)).toBe(0);
    expect(ls.stdout).toContain('"data":[]');
    const rm = await cli(['stage', 'rm', '--file', `orders.csv' OR '1'='1`, '--reason', `'); DELETE FROM meta.stage_deletions; --`]);
    expect(rm.code, describeRun(rm)).toBe(0);
    const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
    try {
      expect(Number(await wh.scalar('SELECT count(*) FROM meta.stage_deletions'))).toBe(0);
      const ledger = await checkLedger(wh, delivered, { dispositions: true });
      expect(ledger.problems).toEqual([]);
    } finally {
      wh.close();
    }
  }, 60_000);

  it('source and destination names are plain identifiers: anything else is a usage error before any SQL', async () => {
    for (const [command, yaml] of [
      [['extract'], `extract:\n  - { name: "${HOSTILE.replaceAll('"', '\\"')}", kind: local, folder: inbox }\n`],
      [['export', 'continuous'], `exports:\n  destinations:\n    - { name: "${HOSTILE.replaceAll('"', '\\"')}", kind: local, folder: out }\n  continuous: { destinations: ["${HOSTILE.replaceAll('"', '\\"')}"] }\n`],
    ] as const) {
      const fixture = await createFixtureProject({ 'models/m.sql': 'select 1 as x' }, { pipelineExtra: yaml });
      try {
        attempts++;
        const run = await runRevrec([...command, '--project-dir', fixture.dir, '--log-format', 'json']);
        expect(run.code, describeRun(run)).toBe(2);
        expect(run.stdout).toMatch(/a name of letters, digits, _ and -/);
      } finally {
        await fixture.cleanup();
      }
    }
  }, 60_000);

  it('seed and model names and seed headers with quotes and SQL become quoted relations and columns', async () => {
    const fixture = await createFixtureProject({
      'seeds/other.csv': 'id\n1\n',
      [`seeds/odd "seed"; DROP TABLE seeds.other; --.csv`]: `id,"col""; DROP TABLE seeds.other; --"\n1,a\n`,
      [`models/odd "model"; DROP TABLE seeds.other; --.sql`]: `select * from {{ref 'odd "seed"; DROP TABLE seeds.other; --'}}`,
    });
    try {
      attempts++;
      const run = await runRevrec(['build', '--project-dir', fixture.dir, '--log-format', 'json']);
      expect(run.code, describeRun(run)).toBe(0);
      const wh = await openReadOnly(fixture.path('warehouse.duckdb'));
      try {
        expect(Number(await wh.scalar('SELECT count(*) FROM seeds.other'))).toBe(1);
        expect(await wh.rows(`SELECT * FROM main."odd ""model""; DROP TABLE seeds.other; --"`)).toEqual([{ id: '1', 'col"; DROP TABLE seeds.other; --': 'a' }]);
      } finally {
        wh.close();
      }
    } finally {
      await fixture.cleanup();
    }
    await recordFigures('sql-identifiers', { trials: attempts, faults_injected: attempts, records_checked: delivered.reduce((s, f) => s + f.rows, 0), records_lost: 0, records_double_counted: 0 });
  }, 60_000);
});
