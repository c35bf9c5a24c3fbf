import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { assertCliBuilt } from '../cli/cli-harness.js';
import { ensureChromium, launchBrowser, screenshot } from './browser-harness.js';
import type { Browser } from './browser-harness.js';
import { createDemoProject } from './demo-project.js';
import type { DemoProject } from './demo-project.js';

/**
 * The docs site and the waterfall report in a real browser (Debian's chromium through playwright-core), from
 * `file://`, on a copy of the real project with the demo company and two closed periods. One project and one browser
 * for the file: building the demo (~25 s) dominates; each test itself takes a few seconds.
 */
let demo: DemoProject | undefined;
let browser: Browser | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  await assertCliBuilt();
  const chromium = await ensureChromium();
  if (!chromium.ok) {
    unavailable = chromium.reason;
    return;
  }
  demo = await createDemoProject({ contracts: 30, closes: 2 });
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await demo?.cleanup();
});

function ready(ctx: TestContext): { demo: DemoProject; browser: Browser } {
  if (unavailable) ctx.skip(`skipped: ${unavailable}`);
  return { demo: demo!, browser: browser! };
}

/** Rows of each query on the demo warehouse, opened read-only once, with exact values (HUGEINT sums as strings). */
async function queries(warehouse: string, list: readonly string[]): Promise<Record<string, unknown>[][]> {
  const wh = await Warehouse.open({ path: warehouse, threads: 1 }, { readOnly: true });
  try {
    const out: Record<string, unknown>[][] = [];
    for (const query of list) out.push(await wh.rows(query));
    return out;
  } finally {
    wh.close();
  }
}

async function sql<T extends Record<string, unknown>>(warehouse: string, query: string): Promise<T[]> {
  return (await queries(warehouse, [query]))[0] as T[];
}

/** Independent of src/report: Intl groups the whole part of the bigint, the fraction is cut from the digits. */
function expectedText(minor: string, minorUnit: number): string {
  const value = BigInt(minor);
  const abs = value < 0n ? -value : value;
  const unit = 10n ** BigInt(minorUnit);
  const whole = new Intl.NumberFormat('en-US').format(abs / unit);
  const fraction = minorUnit ? `.${(abs % unit).toString().padStart(minorUnit, '0')}` : '';
  return `${value < 0n ? '-' : ''}${whole}${fraction}`;
}

describe('docs site', () => {
  it('opens from file://, clicks through the lineage graph to model pages, and searches', async (ctx) => {
    const { demo, browser } = ready(ctx);
    const out = join(demo.dir, 'target', 'docs');
    const generated = await demo.cli(['docs', 'generate', '--out', out]);
    expect(generated.stdout).toContain('column types from the warehouse');
    // every model's columns are traced, the engine's own (keep_unchanged_rows' _row_hash) included
    expect(generated.stdout).toMatch(/column lineage complete for (\d+) of \1 models \(0 partial, 0 not parsed\)/);
    const { page, requests, errors } = await browser.newPage();
    try {
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.textContent('#node-title')).toBe('revrec');
      const manifest = JSON.parse(await readFile(join(demo.dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { kind: string }> };
      const drawn = Object.values(manifest.nodes).filter((n) => n.kind !== 'test').length;
      expect(await page.locator('#lineage svg a.lnode').count()).toBe(drawn);
      await screenshot(page, 'docs-overview');

      // Overview graph → a staging model → a downstream model in its graph → back.
      await page.click('#lineage svg a.lnode[data-id="model.revrec.stg_orders"]');
      await expect.poll(() => page.textContent('#node-title')).toContain('stg_orders');
      expect(page.url()).toContain('#!/node/model.revrec.stg_orders');
      expect(await page.locator('#lineage svg a.lnode.focus').getAttribute('data-id')).toBe('model.revrec.stg_orders');
      await page.click('#lineage svg a.lnode[data-id="model.revrec.int_order_lines"]');
      await expect.poll(() => page.textContent('#node-title')).toContain('int_order_lines');
      await page.click('#upstream a[data-id="model.revrec.stg_orders"]');
      await expect.poll(() => page.textContent('#node-title')).toContain('stg_orders');
      await page.goBack();
      await expect.poll(() => page.textContent('#node-title')).toContain('int_order_lines');

      // A mart page: columns with warehouse types and column lineage that links upstream.
      await page.click('#lineage svg a.lnode[data-id="model.revrec.fct_line_periods"]');
      await expect.poll(() => page.textContent('#node-title')).toContain('fct_line_periods');
      const row = page.locator('#columns tr[data-column="revenue_home"]');
      expect(await row.locator('code.type').textContent()).toBe('BIGINT');
      expect(await row.locator('.col-links a').count()).toBeGreaterThan(0);
      expect(await page.textContent('#compiled-sql pre')).toContain('"marts"."fct_line_current"');
      await screenshot(page, 'docs-model-fct_line_periods');
      await row.locator('.col-links a').first().click();
      await expect.poll(() => page.url()).toMatch(/#!\/node\/(model|source)\./);

      // Search by name, then by a column name, and open a result.
      await page.fill('#search', 'revenue_sched');
      await page.waitForSelector('#search-results a.result');
      expect(await page.locator('#search-results a.result').first().getAttribute('data-id')).toBe('model.revrec.fct_revenue_schedule');
      await screenshot(page, 'docs-search');
      await page.press('#search', 'Enter');
      await expect.poll(() => page.textContent('#node-title')).toContain('fct_revenue_schedule');
      await page.fill('#search', 'end_unearned_home');
      const ids = await page.locator('#search-results a.result').evaluateAll((as) => as.map((a) => a.getAttribute('data-id')));
      expect(ids).toContain('model.revrec.fct_line_periods');

      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('waterfall report', () => {
  it('draws one bar per period and shows the totals SQL gives, all tied', async (ctx) => {
    const { demo, browser } = ready(ctx);
    const [settings] = await sql<{ current_period: number; home_minor_unit: number; home_currency: string }>(
      demo.warehouse,
      'SELECT current_period, home_minor_unit, home_currency FROM intermediate.int_settings',
    );
    const current = settings!.current_period;
    const out = join(demo.dir, 'target', 'reports', 'waterfall.html');
    const closedOut = join(demo.dir, 'target', 'reports', 'closed.html');
    const laterClosedOut = join(demo.dir, 'target', 'reports', 'closed-later.html');
    // Readers do not lock each other out: the three reports and the test's own queries run at once.
    type Bars = { period: number; revenue: string }[];
    type Totals = { recognized: string; scheduled: string; unearned: string; unbilled: string }[];
    const [, closed, laterClosed, future, [recognized, scheduled, [totals]]] = await Promise.all([
      demo.cli(['report', 'waterfall', '--period', String(current), '--out', out]),
      demo.cli(['report', 'waterfall', '--period', '202401', '--out', closedOut]),
      // The second close: lines finished in the first period have no row then, and must not break the identity.
      demo.cli(['report', 'waterfall', '--period', '202402', '--out', laterClosedOut]),
      demo.cli(['report', 'waterfall', '--period', '209901'], 2),
      queries(demo.warehouse, [
        'SELECT actg_period AS period, sum(revenue_home) AS revenue FROM marts.fct_line_periods GROUP BY ALL ORDER BY 1',
        `SELECT actg_period::INTEGER AS period, sum(revenue_home) AS revenue FROM marts.fct_revenue_schedule WHERE actg_period > ${current} GROUP BY ALL ORDER BY 1`,
        `SELECT (SELECT sum(revenue_home) FROM marts.fct_line_periods) AS recognized,
                (SELECT sum(revenue_home) FROM marts.fct_revenue_schedule WHERE actg_period > ${current}) AS scheduled,
                (SELECT sum(end_unearned_home) FROM marts.fct_line_periods WHERE actg_period = ${current}) AS unearned,
                (SELECT sum(end_unbilled_home) FROM marts.fct_line_periods WHERE actg_period = ${current}) AS unbilled`,
      ]) as Promise<[Bars, Bars, Totals]>,
    ]);
    // A closed period reconciles on its frozen numbers; a future one is refused.
    expect(closed.stdout).toContain('closed.html');
    expect(await readFile(closedOut, 'utf8')).toContain('Every reconciliation ties');
    expect(laterClosed.stdout).toContain('closed-later.html');
    expect(await readFile(laterClosedOut, 'utf8')).toContain('Every reconciliation ties');
    expect(future.stderr).toContain('give the current period');

    const expectedBars = new Map([...recognized, ...scheduled].map((r) => [Number(r.period), r.revenue]));
    const first = Math.min(...expectedBars.keys());
    const last = Math.max(...expectedBars.keys());
    const months = (Math.floor(last / 100) - Math.floor(first / 100)) * 12 + (last % 100) - (first % 100) + 1;

    const { page, requests, errors } = await browser.newPage();
    try {
      await page.goto(pathToFileURL(out).href);
      const bars = await page.locator('#waterfall-chart rect.bar').evaluateAll((rects) =>
        rects.map((r) => ({ period: Number(r.getAttribute('data-period')), kind: r.getAttribute('data-kind'), minor: r.getAttribute('data-amount-minor'), height: Number(r.getAttribute('height')) })),
      );
      expect(bars).toHaveLength(months);
      expect(new Set(bars.map((b) => b.period)).size).toBe(months);
      for (const bar of bars) {
        expect(bar.minor).toBe(expectedBars.get(bar.period) ?? '0');
        expect(bar.kind).toBe(bar.period <= current ? 'recognized' : 'scheduled');
      }
      // Taller bar ⇔ larger amount (positive bars): the scale is exact, only pixels are numbers.
      const positive = bars.filter((b) => BigInt(b.minor!) > 0n).sort((a, b) => (BigInt(a.minor!) < BigInt(b.minor!) ? -1 : 1));
      expect(positive.map((b) => b.height)).toEqual([...positive.map((b) => b.height)].sort((a, b) => a - b));

      const m = settings!.home_minor_unit;
      for (const [id, minor] of [['#total-recognized', totals!.recognized], ['#total-scheduled', totals!.scheduled]] as const) {
        const amount = page.locator(`${id} .amount`);
        expect(await amount.getAttribute('data-minor')).toBe(minor);
        expect(await amount.textContent()).toBe(expectedText(minor, m));
      }
      const check = page.locator('[data-check="waterfall-balances"]');
      expect(await check.locator('[data-role="left"]').getAttribute('data-minor')).toBe(totals!.scheduled);
      expect(await check.getAttribute('class')).toContain('ties');
      expect(await page.locator('[data-check="liability-journals"] [data-role="left"]').getAttribute('data-minor')).toBe(totals!.unearned);
      expect(await page.locator('[data-check="asset-journals"] [data-role="left"]').getAttribute('data-minor')).toBe(totals!.unbilled);
      expect(await page.locator('.check.breaks').count()).toBe(0);
      expect(await page.locator('#revenue-vs-journals tr.breaks').count()).toBe(0);
      expect(await page.locator('#revenue-vs-journals tbody tr').count()).toBe(recognized.length);
      expect(await page.textContent('#identity')).toContain('ending unearned revenue − ending unbilled receivable + contract value not yet billed');
      expect(await page.textContent('#status')).toBe('Every reconciliation ties');

      const embedded = JSON.parse((await page.textContent('#waterfall-data'))!) as { recognizedTotal: string };
      expect(embedded.recognizedTotal).toBe(totals!.recognized);
      await screenshot(page, 'waterfall-current', true);
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
