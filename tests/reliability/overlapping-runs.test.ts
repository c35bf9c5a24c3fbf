import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import { recordFigures } from './support/figures.js';
import { checkLedger, openReadOnly } from './support/ledger.js';
import type { DeliveredFile } from './support/ledger.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, REPO_ROOT, runRevrec } from './support/revrec-process.js';
import type { RevrecRun } from './support/revrec-process.js';

/**
 * Overlapping runs: two `revrec` writers started at the same moment (or one while the other is busy) on one
 * warehouse. Exactly one runs; the other exits at once with code 3 and a message naming the holder (pid, host,
 * command, start time), touching nothing; the warehouse stays whole and every delivered row is there once.
 */

let root: string;
let project: string;
let state: string;
let delivered: DeliveredFile[];
let overlaps = 0;
const execFileAsync = promisify(execFile);

const args = (...command: string[]) => [...command, '--project-dir', project, '--log-format', 'json'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'revrec-overlap-'));
  project = await createProject(join(root, 'project'));
  state = join(root, 'state');
  await prepareState(state);
  const summary = await generateCompany({ outDir: join(state, 'inbox'), seed: 11, contracts: 12, months: 2, writeSummary: false });
  delivered = summary.files.map((f) => ({ key: f.name, rows: f.rows }));
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The JSON log line of the run that was locked out. */
function lockedLine(run: RevrecRun): Record<string, unknown> | undefined {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.code === 'WAREHOUSE_LOCKED');
}

/** One ran (exit 0), the other was refused (exit 3) naming the winner: pid, this host, its command, its start time. */
function expectOneWinner(a: RevrecRun, b: RevrecRun, winnerPid: () => number | undefined): void {
  const runs = [a, b];
  const winners = runs.filter((r) => r.code === 0);
  const losers = runs.filter((r) => r.code === 3);
  expect(winners.length, runs.map(describeRun).join('\n\n')).toBe(1);
  expect(losers.length, runs.map(describeRun).join('\n\n')).toBe(1);
  const line = lockedLine(losers[0]!);
  expect(line, describeRun(losers[0]!)).toBeDefined();
  const pid = winnerPid();
  expect(String(line!.message)).toMatch(new RegExp(`is in use by pid ${pid} on ${hostname()}, running "revrec (pipeline|period close)" since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z`));
  // The refused process did not start any work: it wrote no log line besides the refusal.
  expect(losers[0]!.stdout.split('\n').filter((l) => l.includes('"step"')).length).toBe(0);
}

describe('overlapping runs on one warehouse', () => {
  it('two pipelines started together: one runs, the other exits 3 naming the holder; nothing is corrupted', async () => {
    for (let round = 0; round < 4; round++) {
      const pids: number[] = [];
      const start = (command: string[]) => runRevrec(args(...command), { env: stateEnv(state), onSpawn: (pid) => pids.push(pid) });
      const [a, b] = await Promise.all([start(['pipeline', '--all']), start(['pipeline', '--all'])]);
      overlaps++;
      const winnerIndex = [a, b].findIndex((r) => r.code === 0);
      expectOneWinner(a, b, () => pids[winnerIndex]);
      expect(existsSync(join(state, 'warehouse', 'revrec.duckdb.lock'))).toBe(false);
    }
    // Every pipeline that ran kept its artifacts; the refused ones left none.
    expect((await readdir(join(state, 'target', 'runs'))).filter((n) => n !== 'latest')).toHaveLength(4);
  }, 180_000);

  it('a close started while a pipeline runs is refused, and a pipeline while a close runs; each succeeds when run again', async () => {
    for (const [first, second] of [
      [['pipeline', '--all'], ['period', 'close', '--period', '202401']],
      [['period', 'close', '--period', '202401'], ['pipeline', '--all']],
    ] as const) {
      let firstPid: number | undefined;
      const running = runRevrec(args(...first), { env: stateEnv(state), onSpawn: (pid) => (firstPid = pid) });
      // Start the second once the first is visibly at work (it logged a model).
      await waitForLock(join(state, 'warehouse', 'revrec.duckdb.lock'));
      const refused = await runRevrec(args(...second), { env: stateEnv(state) });
      const done = await running;
      overlaps++;
      expectOneWinner(done, refused, () => firstPid);
    }
    expect((await runRevrec(args('period', 'status', '--json'), { env: stateEnv(state) })).stdout).toContain('"last_closed_period":202401');
    const again = await runRevrec(args('pipeline', '--all'), { env: stateEnv(state) });
    expect(again.code, describeRun(again)).toBe(0);
  }, 180_000);

  it('three processes taking the lock in the same microsecond: one wins, every refusal names it (never "another process")', async () => {
    const child = join(REPO_ROOT, 'tests/reliability/support/lock-race-child.mjs');
    const module = pathToFileURL(join(REPO_ROOT, 'dist/warehouse/warehouse-lock.js')).href;
    const refusals: string[] = [];
    for (let round = 0; round < 15; round++) {
      const at = Date.now() + 300;
      const path = join(root, `race-${round}.duckdb`);
      const outs = await Promise.all([0, 1, 2].map(() => execFileAsync(process.execPath, [child, module, path, String(at)]).then((r) => r.stdout.trim())));
      overlaps++;
      expect(outs.filter((o) => o === 'won'), outs.join('\n')).toHaveLength(1);
      refusals.push(...outs.filter((o) => o !== 'won'));
    }
    for (const refusal of refusals) expect(refusal).toMatch(/is in use by pid \d+ on .*, running "revrec pipeline \(racer\)" since /);
  }, 120_000);

  it('after all that the warehouse opens, every delivered row is there once, and the published copy opens', async () => {
    const wh = await openReadOnly(join(state, 'warehouse', 'revrec.duckdb'));
    let ledger;
    try {
      ledger = await checkLedger(wh, delivered, { dispositions: true });
      expect(ledger.problems).toEqual([]);
      expect(Number(await wh.scalar("SELECT count(*) FROM meta.load_manifest WHERE status = 'loaded'"))).toBe(delivered.length);
    } finally {
      wh.close();
    }
    const published = await openReadOnly(join(state, 'warehouse', 'published.duckdb'));
    try {
      expect(Number(await published.scalar('SELECT count(*) FROM marts.fct_line_periods'))).toBeGreaterThan(0);
    } finally {
      published.close();
    }
    await recordFigures('overlapping-runs', { trials: overlaps, faults_injected: overlaps, records_checked: ledger.rows, records_lost: ledger.lost, records_double_counted: ledger.doubled });
  }, 60_000);
});

/** Resolves once the lock file names a holder (the first process has opened the warehouse). */
async function waitForLock(path: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await readFile(path, 'utf8')).includes('"pid"')) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no lock at ${path} after 15 s`);
}
