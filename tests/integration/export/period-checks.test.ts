import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { prepareReconciliations, reconcile, runCloseChecks, runReconciliations } from '../../../src/periods/close-checks.js';
import { startReconciliations } from '../../../src/periods/early-reconciliations.js';
import { checkPeriod, closePeriod } from '../../../src/periods/period-service.js';
import { useFixtureProject } from './export-test-kit.js';
import type { ExportProject } from './export-test-kit.js';

/** The checks after `data_tests`, in the order they are reported. */
const RECONCILIATIONS = [
  'fx_pending',
  'waterfall_vs_backlog',
  'waterfall_vs_deferred_unbilled',
  'journals_revenue',
  'journals_deferred_revenue',
  'journals_unbilled_receivable',
  'journals_balanced',
  'rollforward_identity',
];

/**
 * Swaps `marts.fct_journal_lines` (a table or a view, as the marts' owner chose) for a view over it, read as
 * `marts.fct_journal_lines_real`, for the length of `fn`.
 */
async function withJournalsView(p: ExportProject, select: string, fn: () => Promise<void>): Promise<void> {
  const kind = (await p.wh.relationExists('marts', 'fct_journal_lines'))!.toUpperCase();
  await p.wh.run(`ALTER ${kind} marts.fct_journal_lines RENAME TO fct_journal_lines_real`);
  await p.wh.run(`CREATE VIEW marts.fct_journal_lines AS ${select}`);
  try {
    await fn();
  } finally {
    await p.wh.run('DROP VIEW marts.fct_journal_lines');
    await p.wh.run(`ALTER ${kind} marts.fct_journal_lines_real RENAME TO fct_journal_lines`);
  }
}

describe('period checks before a close (seed 002 reconciliations)', () => {
  const project = useFixtureProject();
  let p: ExportProject;
  beforeEach(() => {
    p = project();
  });

  it('revrec period check: the fixture reconciles (waterfall, deferred and unbilled schedules, journals, data tests)', async () => {
    const outcome = await checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock });
    expect(outcome.period).toBe(202401);
    expect(outcome.checks.map((c) => [c.name, c.ok])).toEqual(['data_tests', ...RECONCILIATIONS].map((name) => [name, true]));
    expect(outcome.checks.find((c) => c.name === 'journals_revenue')!.summary).toBe(
      'revenue 2555.42 USD vs journals 2555.42 USD (Revenue + Contra Revenue net credit -3107.46 USD, billing deferral + FX change + adjustment 5662.88 USD)',
    );
  });

  it('finds a journal that does not tie (the checks read the marts, not a copy of the rules)', async () => {
    // Wrap the journals in a view that adds a cent to a debit.
    const oneCentMore = "SELECT * REPLACE (CASE WHEN account_type = 'Unbilled Receivable' THEN debit_minor + 1 ELSE debit_minor END AS debit_minor) FROM marts.fct_journal_lines_real";
    await withJournalsView(p, oneCentMore, async () => {
      const checks = await runCloseChecks(p.wh, undefined);
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual(['data_tests', 'journals_unbilled_receivable', 'journals_balanced']);
      expect(checks.find((c) => c.name === 'journals_balanced')!.summary).toBe('debits 3393.16 USD, credits 3393.15 USD');
    });
  });

  it('refuses to close with a failed check, and records the reasons of a forced close', async () => {
    // An order in a currency without any rate: FX-pending.
    await p.land({
      'orders_gbp.csv':
        'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number\nSO-5,SO-5-01,C-500,P-100,2024-01-20,1,285.00,285.00,,GBP,2024-01-20,2025-01-19,\n',
    });
    const refused = await p.close();
    expect(refused.closed).toBe(false);
    // New data since the last build: the close built before its checks.
    expect(refused.builtForChecks).toBe(true);
    expect(refused.reasons).toEqual([expect.stringMatching(/^fx_pending: 1 record\(s\) are FX-pending/)]);
    expect(await p.outboxFiles()).toEqual([]);
    expect(Number(await p.wh.scalar('SELECT count(*) FROM meta.period_closes'))).toBe(0);

    const forced = await p.close({ force: true });
    expect(forced).toMatchObject({ closed: true, forced: true, period: 202401 });
    // Nothing landed since the refused close's build, whose data tests all passed: nothing ran again before the checks,
    // and the checks still saw the pending record.
    expect(forced.builtForChecks).toBe(false);
    expect(forced.testsReused).toBe(true);
    expect(p.reporter.logs.some((l) => /data test\(s\) all passed: not running them again/.test(l.message))).toBe(true);
    expect(forced.checks.find((c) => c.name === 'data_tests')).toMatchObject({ ok: true, summary: expect.stringMatching(/^the last build \(.* UTC\) passed all \d+ data test\(s\), and nothing changed since: not run again$/) });
    expect(forced.export?.status).toBe('delivered');
    const [close] = await p.wh.rows<{ forced: boolean; force_reasons: string; closed_at: string }>('SELECT forced, force_reasons, CAST(closed_at AS VARCHAR) AS closed_at FROM meta.period_closes');
    expect(close).toEqual({ forced: true, force_reasons: expect.stringMatching(/^fx_pending: /), closed_at: '2024-02-01 09:00:00' });
  });

  it('runs the data tests again before the checks when the tests changed since the build that passed them', async () => {
    // The previous test's close built the next period and passed every data test. A test added since is not among
    // them: it runs (with the others), and its failure fails the check.
    const added = join(p.dir, 'data-tests', 'added_after_the_build.sql');
    await writeFile(added, "select 'added after the build' as failure\n");
    try {
      const before = p.reporter.logs.length;
      const outcome = await checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock });
      const decisions = p.reporter.logs.slice(before).map((l) => l.message).filter((m) => m.startsWith('the warehouse holds a complete build'));
      expect(decisions).toEqual([expect.stringMatching(/: running the data tests only$/)]);
      const dataTests = outcome.checks.find((c) => c.name === 'data_tests')!;
      expect(dataTests.ok).toBe(false);
      expect(dataTests.summary).toMatch(/added_after_the_build/);
    } finally {
      await rm(added);
    }
    // Without it, the tests are those the close's build passed (a run of the tests alone records nothing): reused again.
    const outcome = await checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock });
    expect(outcome.checks.find((c) => c.name === 'data_tests')).toMatchObject({ ok: true, summary: expect.stringMatching(/nothing changed since: not run again$/) });
  });
});

describe('the reconciliations started before the freshness check (early-reconciliations.ts)', () => {
  const project = useFixtureProject({ build: true });
  let p: ExportProject;
  beforeEach(() => {
    p = project();
  });

  it('give the same checks, in the same order, as the queries one after the other on one connection', async () => {
    const oneByOne = await runReconciliations(p.wh);
    expect(oneByOne.map((c) => c.name)).toEqual(RECONCILIATIONS);
    const early = await startReconciliations(p.wh);
    expect(await early.take()).toEqual(oneByOne);
    await early.discard(); // after take: nothing left to stop
    const prepared = await prepareReconciliations(p.wh);
    const beside = await p.wh.session();
    try {
      expect('home' in prepared && (await reconcile(prepared, p.wh, beside))).toEqual(oneByOne);
    } finally {
      beside.close();
    }
  });

  it('report a query that fails when taken, and the warehouse goes on', async () => {
    await withJournalsView(p, "SELECT * REPLACE (error('journals unreadable') AS debit_minor) FROM marts.fct_journal_lines_real", async () => {
      const early = await startReconciliations(p.wh);
      await expect(early.take()).rejects.toThrow(/journals unreadable/);
    });
    expect((await runReconciliations(p.wh)).every((c) => c.ok)).toBe(true);
  });

  it('stop at once when discarded, so a build can follow', async () => {
    // Journals that would take hours to add up: discard must interrupt the query, not wait for it.
    await withJournalsView(p, 'SELECT j.* FROM marts.fct_journal_lines_real AS j, range(1000000000000)', async () => {
      const early = await startReconciliations(p.wh);
      await new Promise((r) => setTimeout(r, 200)); // the journals' query is running by now
      const t0 = performance.now();
      await early.discard();
      expect(performance.now() - t0).toBeLessThan(2000);
    });
    // Their connections are closed and nothing of theirs holds the warehouse: it writes and reads as before.
    await p.wh.run('CREATE TABLE main.after_discard AS SELECT 1 AS x');
    await p.wh.run('DROP TABLE main.after_discard');
    expect((await runReconciliations(p.wh)).every((c) => c.ok)).toBe(true);
  });

  it('a project that does not load is the error a period command shows, as when it loaded before the warehouse opened', async () => {
    const broken = join(p.dir, 'models', 'zz_broken.yml');
    await writeFile(broken, 'version: 2\nmodels: [\n');
    try {
      // The warehouse opens, and the reconciliations start, while the project loads; the wrong period would fail first.
      await expect(closePeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock, period: 190001 })).rejects.toThrow(/zz_broken\.yml/);
      await expect(checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock })).rejects.toThrow(/zz_broken\.yml/);
    } finally {
      await rm(broken);
    }
    expect((await checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock })).checks.every((c) => c.ok)).toBe(true);
  });

  it('a missing mart is reported without starting any query', async () => {
    const kind = (await p.wh.relationExists('marts', 'fct_revenue_schedule'))!.toUpperCase();
    await p.wh.run(`ALTER ${kind} marts.fct_revenue_schedule RENAME TO fct_revenue_schedule_away`);
    try {
      const early = await startReconciliations(p.wh);
      expect(await early.take()).toEqual([expect.objectContaining({ name: 'marts_built', ok: false, summary: 'marts.fct_revenue_schedule does not exist: the marts were not built' })]);
    } finally {
      await p.wh.run(`ALTER ${kind} marts.fct_revenue_schedule_away RENAME TO fct_revenue_schedule`);
    }
  });
});
