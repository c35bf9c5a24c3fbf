import { embedJson, escapeHtml } from '../docs/html-text.js';
import { formatAmount, periodLabel } from './money-text.js';
import { renderWaterfallChart } from './waterfall-chart.js';
import { WATERFALL_IDENTITY } from './waterfall-reconciliation.js';
import type { TieCheck, WaterfallReport } from './waterfall-types.js';

export interface PageContext {
  readonly projectName: string;
  readonly generatedAt: Date;
  /** The DuckDB file the numbers were read from. */
  readonly source: string;
}

const STYLES = `
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2330; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 10px; } .muted { color: #667085; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #d9dee7; border-radius: 8px; padding: 10px 14px; min-width: 200px; }
.card .label { color: #667085; font-size: 12px; } .card .amount { font-size: 18px; font-weight: 600; }
.status { align-self: center; padding: 6px 12px; border-radius: 16px; font-weight: 600; }
.status.ok { background: #e3f4ea; color: #13653f; } .status.bad { background: #fbe3e3; color: #a1251b; }
.top { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.chart-box { flex: 1 1 640px; min-width: 0; overflow-x: auto; border: 1px solid #d9dee7; border-radius: 8px; padding: 12px; }
aside { flex: 0 1 440px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; margin-right: 16px; font-size: 12px; }
.swatch { width: 12px; height: 12px; border-radius: 2px; display: inline-block; }
.swatch.recognized { background: #2456c7; } .swatch.scheduled { background: #9db7ef; border: 1px dashed #2456c7; }
svg.chart .bar.recognized { fill: #2456c7; } svg.chart .bar.scheduled { fill: #9db7ef; stroke: #2456c7; stroke-dasharray: 3 2; }
svg.chart .bar.selected { stroke: #e07a00; stroke-width: 2.5; stroke-dasharray: none; }
svg.chart .grid { stroke: #e6e9ef; } svg.chart .grid.zero { stroke: #8a93a6; }
svg.chart text { font-size: 11px; fill: #4a5367; } svg.chart .axis-title { font-weight: 600; }
svg.chart .boundary { stroke: #e07a00; stroke-dasharray: 5 4; } svg.chart .boundary-label { fill: #e07a00; font-weight: 600; }
.check { border: 1px solid #d9dee7; border-left-width: 5px; border-radius: 6px; padding: 8px 12px; margin-bottom: 10px; }
.check.ties { border-left-color: #1f9d5a; } .check.breaks { border-left-color: #d0342c; }
.check h3 { font-size: 13px; margin: 0 0 6px; } .check table { width: 100%; border-collapse: collapse; }
.check td { padding: 2px 0; vertical-align: top; } .check td.num { text-align: right; white-space: nowrap; padding-left: 12px; font-variant-numeric: tabular-nums; }
.check tr.part td { color: #667085; font-size: 12px; padding-left: 14px; } .check tr.diff td { border-top: 1px solid #e6e9ef; font-weight: 600; }
.verdict { font-size: 12px; font-weight: 600; } .ties .verdict { color: #13653f; } .breaks .verdict { color: #a1251b; }
.identity { background: #f6f7f9; border-radius: 6px; padding: 10px 12px; font-size: 13px; margin-bottom: 12px; }
table.grid { border-collapse: collapse; margin-top: 6px; } table.grid th, table.grid td { padding: 4px 10px; border-bottom: 1px solid #eef0f4; text-align: right; font-variant-numeric: tabular-nums; }
table.grid th:first-child, table.grid td:first-child { text-align: left; } table.grid th { background: #f6f7f9; }
tr.breaks td { color: #a1251b; font-weight: 600; }
section { margin-top: 28px; }
`;

/**
 * The waterfall report page: summary, the chart and beside it the period-close reconciliations of seed 002, the
 * revenue-vs-journals table, the bars as a table, and the data as JSON (amounts as exact strings). Static HTML: no
 * script, nothing loaded from anywhere.
 */
export function renderWaterfallPage(report: WaterfallReport, context: PageContext): string {
  const { data } = report;
  const { settings, period } = data;
  const m = settings.homeMinorUnit;
  const cur = escapeHtml(settings.homeCurrency);
  const amount = (value: bigint, role = '') => `<span class="amount"${role ? ` data-role="${role}"` : ''} data-minor="${value}">${formatAmount(value, m)}</span>`;
  const state = period === settings.currentPeriod ? 'the current (open) period' : 'a closed period; its numbers are frozen';
  const failing = report.checks.filter((c) => !c.ties).length + report.revenueVsJournals.filter((r) => r.difference !== 0n).length;
  const chart = renderWaterfallChart(data.bars, { minorUnit: m, currency: settings.homeCurrency, reportPeriod: period, currentPeriod: settings.currentPeriod });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Revenue waterfall ${periodLabel(period)} – ${escapeHtml(context.projectName)}</title>
<style>${STYLES}</style>
</head>
<body data-period="${period}" data-currency="${cur}" data-minor-unit="${m}">
<h1>Revenue waterfall – ${escapeHtml(context.projectName)}</h1>
<p class="muted">Reconciled for ${periodLabel(period)}, ${state}. Amounts in the home currency, ${cur}. Current period ${periodLabel(settings.currentPeriod)}. Read from ${escapeHtml(context.source)} at ${escapeHtml(context.generatedAt.toISOString())}.</p>
<div class="summary">
  <div class="card" id="total-recognized"><div class="label">Recognized (closed + current periods)</div><div>${amount(report.recognizedTotal)} ${cur}</div></div>
  <div class="card" id="total-scheduled"><div class="label">Scheduled (later periods)</div><div>${amount(report.scheduledTotal)} ${cur}</div></div>
  <div class="card" id="total-waterfall"><div class="label">Waterfall total</div><div>${amount(report.recognizedTotal + report.scheduledTotal)} ${cur}</div></div>
  <div id="status" class="status ${report.allTie ? 'ok' : 'bad'}">${report.allTie ? 'Every reconciliation ties' : `${failing} reconciliation(s) do not tie`}</div>
</div>
<div class="top">
  <div class="chart-box">
    <h2>Revenue by period</h2>
    <div class="legend"><span><i class="swatch recognized"></i>recognized (fct_line_periods)</span><span><i class="swatch scheduled"></i>scheduled (fct_revenue_schedule)</span><span class="muted">outlined: ${periodLabel(period)}</span></div>
    ${chart}
  </div>
  <aside id="reconciliation">
    <h2>Reconciliation at the end of ${periodLabel(period)}</h2>
    <div class="identity" id="identity"><strong>Identity.</strong> ${escapeHtml(WATERFALL_IDENTITY)}. Per line, net = billed − recognized + adjustments = ending unearned − ending unbilled, and what is left to recognize is booked − recognized; in ${cur} the balances are carried at the contract rate and billings at their own dates' rates, which the foreign-currency change balances (0 in transaction currency).</div>
    ${report.checks.map((c) => checkHtml(c, amount)).join('\n    ')}
  </aside>
</div>
<section id="revenue-vs-journals">
  <h2>Revenue per period vs journals</h2>
  <p class="muted">Journals book billing, the foreign-currency change and adjustments against Revenue (accounting.md, "Journals"), so revenue = (Revenue + Contra Revenue credits − debits) + new billing + FX change + adjustment. The current period's journals are provisional: they are exported at its close.</p>
  <table class="grid">
    <thead><tr><th>Period</th><th>Revenue</th><th>Journals: Revenue + Contra (Cr − Dr)</th><th>+ New billing</th><th>+ FX change</th><th>+ Adjustment</th><th>= From journals</th><th>Difference</th></tr></thead>
    <tbody>
${report.revenueVsJournals
  .map(
    (r) =>
      `      <tr data-period="${r.period}" class="${r.difference === 0n ? 'ties' : 'breaks'}"><td>${periodLabel(r.period)}${r.provisional ? ' (current)' : ''}</td><td>${amount(r.revenue, 'revenue')}</td><td>${amount(r.journalRevenue)}</td><td>${amount(r.billing)}</td><td>${amount(r.fcc)}</td><td>${amount(r.adjustment)}</td><td>${amount(r.implied, 'implied')}</td><td>${amount(r.difference, 'difference')}</td></tr>`,
  )
  .join('\n')}
    </tbody>
  </table>
</section>
<section id="bars">
  <h2>Waterfall by period</h2>
  <table class="grid">
    <thead><tr><th>Period</th><th>Kind</th><th>Revenue (${cur})</th></tr></thead>
    <tbody>
${data.bars.map((b) => `      <tr data-period="${b.period}"><td>${periodLabel(b.period)}</td><td>${b.kind}</td><td>${amount(b.amount)}</td></tr>`).join('\n')}
    </tbody>
  </table>
</section>
<script id="waterfall-data" type="application/json">${embedJson(toJson(report))}</script>
</body>
</html>
`;
}

function checkHtml(check: TieCheck, amount: (value: bigint, role?: string) => string): string {
  const parts = (check.parts ?? []).map((p) => `<tr class="part"><td>${p.sign} ${escapeHtml(p.label)}</td><td class="num">${amount(p.amount)}</td></tr>`).join('');
  return `<div class="check ${check.ties ? 'ties' : 'breaks'}" data-check="${check.id}">
      <h3>${escapeHtml(check.title)} <span class="verdict">${check.ties ? '✓ ties' : '✗ does not tie'}</span></h3>
      <table>
        <tr><td>${escapeHtml(check.left.label)}</td><td class="num">${amount(check.left.amount, 'left')}</td></tr>
        <tr><td>${escapeHtml(check.right.label)}</td><td class="num">${amount(check.right.amount, 'right')}</td></tr>${parts}
        <tr class="diff"><td>Difference</td><td class="num">${amount(check.difference, 'difference')}</td></tr>
      </table>${check.note ? `\n      <p class="muted">${escapeHtml(check.note)}</p>` : ''}
    </div>`;
}

/** The report as JSON: every bigint as a decimal string (exact), like the warehouse's own JSON. */
export function toJson(report: WaterfallReport): unknown {
  return JSON.parse(JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
}
