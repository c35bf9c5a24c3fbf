import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCloseChecks } from '../../../src/periods/close-checks.js';
import { checkPeriod } from '../../../src/periods/period-service.js';
import { useFixtureProject } from './export-test-kit.js';
import type { ExportProject } from './export-test-kit.js';

describe('period checks before a close (seed 002 reconciliations)', () => {
  const project = useFixtureProject();
  let p: ExportProject;
  beforeEach(() => {
    p = project();
  });

  it('revrec period check: the fixture reconciles (waterfall, deferred and unbilled schedules, journals, data tests)', async () => {
    const outcome = await checkPeriod({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock });
    expect(outcome.period).toBe(202401);
    expect(outcome.checks.map((c) => [c.name, c.ok])).toEqual([
      ['data_tests', true],
      ['fx_pending', true],
      ['waterfall_vs_backlog', true],
      ['waterfall_vs_deferred_unbilled', true],
      ['journals_revenue', true],
      ['journals_deferred_revenue', true],
      ['journals_unbilled_receivable', true],
      ['journals_balanced', true],
      ['rollforward_identity', true],
    ]);
    expect(outcome.checks.find((c) => c.name === 'journals_revenue')!.summary).toBe(
      'revenue 2555.42 USD vs journals 2555.42 USD (Revenue + Contra Revenue net credit -3107.46 USD, billing deferral + FX change + adjustment 5662.88 USD)',
    );
  });

  it('finds a journal that does not tie (the checks read the marts, not a copy of the rules)', async () => {
    // Wrap the journals (a table or a view, as the marts' owner chose) in one that adds a cent to a debit.
    const kind = (await p.wh.relationExists('marts', 'fct_journal_lines'))!.toUpperCase();
    await p.wh.run(`ALTER ${kind} marts.fct_journal_lines RENAME TO fct_journal_lines_real`);
    await p.wh.run(
      "CREATE VIEW marts.fct_journal_lines AS SELECT * REPLACE (CASE WHEN account_type = 'Unbilled Receivable' THEN debit_minor + 1 ELSE debit_minor END AS debit_minor) FROM marts.fct_journal_lines_real",
    );
    try {
      const checks = await runCloseChecks(p.wh, undefined);
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual(['data_tests', 'journals_unbilled_receivable', 'journals_balanced']);
      expect(checks.find((c) => c.name === 'journals_balanced')!.summary).toBe('debits 3393.16 USD, credits 3393.15 USD');
    } finally {
      await p.wh.run('DROP VIEW marts.fct_journal_lines');
      await p.wh.run(`ALTER ${kind} marts.fct_journal_lines_real RENAME TO fct_journal_lines`);
    }
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
