import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateCompany } from '../../src/sample/index.js';
import { SeededPrng } from '../../src/sample/seeded-prng.js';
import { recordFigures } from './support/figures.js';
import { checkLedger, openReadOnly, stateFingerprint } from './support/ledger.js';
import type { DeliveredFile } from './support/ledger.js';
import { createProject, prepareState, stateEnv } from './support/reliability-project.js';
import { describeRun, runRevrec } from './support/revrec-process.js';
import type { RevrecRun } from './support/revrec-process.js';
import { compareTrees, listFiles } from './support/tree-compare.js';
import { inPool } from './support/trial-pool.js';

/**
 * Crash safety: `revrec` is killed with SIGKILL at chosen and at random moments of a small company's month end
 * (pipeline → period close → pipeline with late files), then simply run again from the command it was in (and, after
 * a killed close, the rest of the month end, whose pipeline completes the close's export). Every trial must end
 * exactly where the uninterrupted run is at the same point: every delivered row landed once, no load recorded twice,
 * the same closes, frozen numbers, continuous-export state, marts and stage area, byte-identical export files, and no
 * temporary file left in the outbox or the warehouse folder.
 *
 * Kill points: `REVREC_FAULT_AT=<point>:<n>` (src/testing/fault-points.ts) at every fault point each command
 * reaches, with n drawn from how often the uninterrupted run reached it, plus SIGKILL at random times within each
 * command's reference duration. REVREC_CRASH_TRIALS (default 32), REVREC_CRASH_PARALLEL (default 2) and
 * REVREC_CRASH_SEED change the plan.
 */

const TRIALS = Number(process.env.REVREC_CRASH_TRIALS ?? 32);
const PARALLEL = Number(process.env.REVREC_CRASH_PARALLEL ?? 2);
const SEED = Number(process.env.REVREC_CRASH_SEED ?? 20240401);

interface Step {
  readonly name: string;
  readonly args: readonly string[];
  /** Which delivery the inbox holds when this step runs. */
  readonly inbox?: 'inbox-1' | 'inbox-2';
}

/** The month end of the demo company: deliveries, close, late deliveries. */
const STEPS: readonly Step[] = [
  { name: 'pipeline', args: ['pipeline', '--all'], inbox: 'inbox-1' },
  { name: 'close', args: ['period', 'close', '--period', '202401'] },
  { name: 'pipeline-late', args: ['pipeline', '--all'], inbox: 'inbox-2' },
];
/** Files delivered only before the last step (late data and a corrected re-delivery). */
const LATE_FILES = new Set(['general_import.csv', 'orders_redelivery.csv']);

interface Trial {
  readonly id: number;
  readonly step: number;
  readonly kill: { readonly faultAt: string } | { readonly afterMs: number };
}

interface TrialOutcome {
  readonly trial: Trial;
  readonly crashed: boolean;
  readonly problems: string[];
  readonly lost: number;
  readonly doubled: number;
  readonly rows: number;
  readonly leftovers: readonly string[];
  readonly ms: number;
}

let root: string;
let project: string;
let delivered: DeliveredFile[];
const stepMs: number[] = [];
const pointCounts: Map<string, number>[] = [];
/** Per step: the reference state after it, and the files delivered by then. */
const referenceFingerprints: Record<string, unknown>[] = [];
const deliveredBy: DeliveredFile[][] = [];

function env(stateDir: string, step: Step, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return stateEnv(stateDir, { REVREC_INBOX: join(root, step.inbox ?? 'inbox-2'), ...extra });
}

function run(stateDir: string, step: Step, extra: NodeJS.ProcessEnv = {}, kill: { killAfterMs?: number } = {}): Promise<RevrecRun> {
  return runRevrec([...step.args, '--project-dir', project, '--log-format', 'json'], { env: env(stateDir, step, extra), ...kill });
}

/** The warehouse file (and its WAL) and the outbox: all a later step depends on. */
async function snapshot(from: string, to: string): Promise<void> {
  await mkdir(join(to, 'warehouse'), { recursive: true });
  for (const name of ['revrec.duckdb', 'revrec.duckdb.wal']) {
    if (existsSync(join(from, 'warehouse', name))) await cp(join(from, 'warehouse', name), join(to, 'warehouse', name));
  }
  if (existsSync(join(from, 'outbox'))) await cp(join(from, 'outbox'), join(to, 'outbox'), { recursive: true, preserveTimestamps: true });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'revrec-crash-'));
  project = await createProject(join(root, 'project'));
  const sample = join(root, 'sample');
  const summary = await generateCompany({ outDir: sample, seed: 7, contracts: 20, months: 3, writeSummary: false });
  delivered = summary.files.map((f) => ({ key: f.name, rows: f.rows }));
  // Fixed modification times: every trial's inbox looks exactly like the reference run's to the extractor.
  const mtime = new Date('2024-03-31T22:00:00Z');
  for (const inbox of ['inbox-1', 'inbox-2']) {
    await mkdir(join(root, inbox));
    for (const f of summary.files) {
      if (inbox === 'inbox-1' && LATE_FILES.has(f.name)) continue;
      await cp(join(sample, f.name), join(root, inbox, f.name));
      await utimes(join(root, inbox, f.name), mtime, mtime);
    }
  }
  // The uninterrupted reference run, counting the fault points each step reaches, with a snapshot after each step.
  const ref = join(root, 'reference');
  await prepareState(ref);
  for (const [i, step] of STEPS.entries()) {
    const trace = join(root, `trace-${i}.txt`);
    const outcome = await run(ref, step, { REVREC_FAULT_TRACE: trace });
    expect(outcome.code, describeRun(outcome)).toBe(0);
    stepMs.push(outcome.ms);
    const counts = new Map<string, number>();
    for (const point of (await readFile(trace, 'utf8')).split('\n').filter(Boolean)) counts.set(point, (counts.get(point) ?? 0) + 1);
    pointCounts.push(counts);
    await snapshot(ref, join(root, `snapshot-${i}`));
    const lateDelivered = STEPS.slice(0, i + 1).some((s) => s.inbox === 'inbox-2');
    deliveredBy.push(lateDelivered ? delivered : delivered.filter((f) => !LATE_FILES.has(f.key)));
    const wh = await openReadOnly(join(ref, 'warehouse', 'revrec.duckdb'));
    try {
      const ledger = await checkLedger(wh, deliveredBy[i]!, { dispositions: true });
      expect(ledger.problems).toEqual([]);
      referenceFingerprints.push(await stateFingerprint(wh));
    } finally {
      wh.close();
    }
  }
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Kill points: one trial per fault point each step reaches (n drawn at random), then random times, spread over the steps. */
function planTrials(): Trial[] {
  const prng = new SeededPrng(SEED, 'crash-trials');
  const random = () => prng.fraction();
  const hooks: Trial[] = [];
  for (const [step, counts] of pointCounts.entries()) {
    for (const [point, hits] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      hooks.push({ id: 0, step, kill: { faultAt: `${point}:${1 + Math.floor(random() * hits)}` } });
    }
  }
  const hookShare = Math.min(hooks.length, Math.ceil(TRIALS * 0.6));
  // Fewer trials than fault points: an even spread over them.
  const trials: Trial[] = Array.from({ length: hookShare }, (_, i) => hooks[Math.floor((i * hooks.length) / hookShare)]!);
  for (let i = 0; trials.length < TRIALS; i++) {
    const step = i % STEPS.length;
    trials.push({ id: 0, step, kill: { afterMs: Math.round(stepMs[step]! * (0.05 + 0.9 * random())) } });
  }
  return trials.map((t, id) => ({ ...t, id }));
}

async function runTrial(trial: Trial): Promise<TrialOutcome> {
  const started = performance.now();
  const dir = join(root, `trial-${trial.id}`);
  if (trial.step > 0) await snapshot(join(root, `snapshot-${trial.step - 1}`), dir);
  await prepareState(dir);
  const problems: string[] = [];
  const step = STEPS[trial.step]!;
  // A time-based kill that comes after the command ended is tried again earlier (the machine may be faster now).
  let killed: RevrecRun | undefined;
  let delay = 'afterMs' in trial.kill ? trial.kill.afterMs : 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    killed = 'faultAt' in trial.kill ? await run(dir, step, { REVREC_FAULT_AT: trial.kill.faultAt }) : await run(dir, step, {}, { killAfterMs: delay });
    if (killed.signal === 'SIGKILL' || 'faultAt' in trial.kill) break;
    // It finished first: start again from the same snapshot, with half the delay.
    await rm(dir, { recursive: true, force: true });
    if (trial.step > 0) await snapshot(join(root, `snapshot-${trial.step - 1}`), dir);
    await prepareState(dir);
    delay = Math.max(20, Math.round(delay / 2));
  }
  const crashed = killed!.signal === 'SIGKILL';
  if (!crashed) problems.push(`no crash: ${describeRun(killed!)}`);
  // Recovery: run the interrupted command again, then the rest of the month end, as the scheduler would. A first
  // pipeline is compared right after its re-run (its state decides everything later, and the fingerprint holds all
  // of it); a close needs the next pipeline to finish its export, so it and the last step run to the end.
  const last = trial.step === 0 ? 0 : STEPS.length - 1;
  for (let j = trial.step; j <= last; j++) {
    const again = await run(dir, STEPS[j]!);
    const closedBeforeKill = j === trial.step && STEPS[j]!.name === 'close' && again.code === 1 && /period 202401 is not the current period \(202402\)/.test(again.stdout);
    if (again.code !== 0 && !closedBeforeKill) problems.push(`recovery ${STEPS[j]!.name} failed: ${describeRun(again)}`);
  }
  const wh = await openReadOnly(join(dir, 'warehouse', 'revrec.duckdb'));
  let ledger;
  try {
    ledger = await checkLedger(wh, deliveredBy[last]!, { dispositions: true });
    problems.push(...ledger.problems);
    const fingerprint = await stateFingerprint(wh);
    const reference = referenceFingerprints[last]!;
    for (const key of new Set([...Object.keys(reference), ...Object.keys(fingerprint)])) {
      const a = JSON.stringify(reference[key]);
      const b = JSON.stringify(fingerprint[key]);
      if (a !== b) problems.push(`state ${key}: ${b} instead of ${a}`);
    }
  } finally {
    wh.close();
  }
  const outbox = await compareTrees(join(root, `snapshot-${last}`, 'outbox'), join(dir, 'outbox'));
  problems.push(...outbox.differences.map((d) => `outbox: ${d}`));
  // What killed runs leave behind: temporaries in the outbox, the OS temp folder (TMPDIR) and the warehouse folder.
  const leftovers = [
    ...outbox.leftovers.map((f) => `outbox/${f}`),
    ...(await listFiles(join(dir, 'tmp'))).map((f) => `tmp/${f}`),
    ...(await listFiles(join(dir, 'warehouse'))).filter((f) => f.endsWith('.tmp')).map((f) => `warehouse/${f}`),
  ];
  // In the outbox a consumer would see them; in the warehouse folder a killed publish left a whole copy behind.
  problems.push(...leftovers.filter((f) => !f.startsWith('tmp/')).map((f) => `left behind: ${f}`));
  const ms = Math.round(performance.now() - started);
  await rm(dir, { recursive: true, force: true });
  return { trial, crashed, problems, lost: ledger.lost, doubled: ledger.doubled, rows: ledger.rows, leftovers, ms };
}

describe('crash safety: SIGKILL anywhere in pipeline → close → pipeline, then run again', () => {
  it(`ends every trial exactly where an uninterrupted run ends (${TRIALS} trials)`, async () => {
    const trials = planTrials();
    const outcomes = await inPool(trials, PARALLEL, runTrial);
    const describe = (o: TrialOutcome) => `#${o.trial.id} ${STEPS[o.trial.step]!.name} ${'faultAt' in o.trial.kill ? `REVREC_FAULT_AT=${o.trial.kill.faultAt}` : `kill after ${o.trial.kill.afterMs} ms`}`;
    const failed = outcomes.filter((o) => o.problems.length > 0);
    await recordFigures(
      'crash-safety',
      {
        trials: outcomes.length,
        faults_injected: outcomes.filter((o) => o.crashed).length,
        records_checked: outcomes.reduce((s, o) => s + o.rows, 0),
        records_lost: outcomes.reduce((s, o) => s + o.lost, 0),
        records_double_counted: outcomes.reduce((s, o) => s + o.doubled, 0),
      },
      {
        seed: SEED,
        reference_step_ms: stepMs,
        fault_points: pointCounts.map((c) => Object.fromEntries(c)),
        leftover_temporary_files: outcomes.reduce((s, o) => s + o.leftovers.length, 0),
        trials: outcomes.map((o) => ({ trial: describe(o), crashed: o.crashed, ms: o.ms, problems: o.problems.length, leftovers: o.leftovers })),
      },
    );
    expect(failed.map((o) => `${describe(o)}:\n  ${o.problems.join('\n  ')}`).join('\n')).toBe('');
    expect(outcomes.filter((o) => o.crashed).length).toBe(TRIALS);
    expect(new Set(outcomes.map((o) => o.trial.step)).size).toBe(STEPS.length);
    const killedIn = new Set(outcomes.flatMap((o) => ('faultAt' in o.trial.kill ? [o.trial.kill.faultAt.split('.')[0]] : [])));
    if (TRIALS >= 30) expect([...killedIn].sort()).toEqual(expect.arrayContaining(['build', 'close', 'export', 'extract']));
  }, 1_200_000);
});
