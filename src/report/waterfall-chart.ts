import { escapeHtml } from '../docs/html-text.js';
import { pow10 } from '../finance/money.js';
import { formatAmount, periodLabel } from './money-text.js';
import type { WaterfallBar } from './waterfall-types.js';

export interface ChartOptions {
  readonly minorUnit: number;
  readonly currency: string;
  /** The period the report is for: its bar is outlined. */
  readonly reportPeriod: number;
  /** The open period: a dashed line after it separates recognized from scheduled. */
  readonly currentPeriod: number;
}

const TOP = 34;
const PLOT_HEIGHT = 280;
const BOTTOM = 62;
const LEFT = 92;
const RIGHT = 18;

/**
 * The waterfall as inline SVG, one `<rect class="bar">` per period (amount in `data-amount-minor`, exact), drawn by
 * this code: no chart library, nothing loaded. Amounts stay `bigint`; only pixel positions become numbers, after the
 * exact scaling `(hi − v) × height / (hi − lo)`.
 */
export function renderWaterfallChart(bars: readonly WaterfallBar[], options: ChartOptions): string {
  const n = Math.max(bars.length, 1);
  const slot = Math.max(14, Math.min(44, Math.floor(800 / n)));
  const barWidth = Math.round(slot * 0.72);
  const width = Math.max(520, LEFT + slot * n + RIGHT);
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  const amounts = bars.map((b) => b.amount);
  const scale = niceScale(amounts.reduce((m, v) => (v < m ? v : m), 0n), amounts.reduce((m, v) => (v > m ? v : m), 0n));
  const y = (v: bigint) => TOP + Number(((scale.hi - v) * BigInt(PLOT_HEIGHT * 100)) / (scale.hi - scale.lo)) / 100;
  const out: string[] = [];
  out.push(`<svg id="waterfall-chart" class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Revenue by period in ${escapeHtml(options.currency)}">`);
  out.push(`<title>Revenue waterfall, ${escapeHtml(options.currency)}</title>`);

  const wholeUnits = scale.step % pow10(options.minorUnit) === 0n;
  for (let tick = scale.lo; tick <= scale.hi; tick += scale.step) {
    const ty = y(tick).toFixed(2);
    const label = wholeUnits ? formatAmount(tick / pow10(options.minorUnit), 0) : formatAmount(tick, options.minorUnit);
    out.push(`<line class="grid${tick === 0n ? ' zero' : ''}" x1="${LEFT}" x2="${width - RIGHT}" y1="${ty}" y2="${ty}"/>`);
    out.push(`<text class="ytick" x="${LEFT - 8}" y="${(Number(ty) + 4).toFixed(2)}" text-anchor="end">${label}</text>`);
  }
  out.push(`<text class="axis-title" x="14" y="${TOP + PLOT_HEIGHT / 2}" transform="rotate(-90 14 ${TOP + PLOT_HEIGHT / 2})" text-anchor="middle">${escapeHtml(options.currency)}</text>`);

  const labelEvery = n > 40 ? 3 : 1;
  bars.forEach((bar, i) => {
    const x = LEFT + i * slot + (slot - barWidth) / 2;
    const y0 = y(0n);
    const y1 = y(bar.amount);
    const top = Math.min(y0, y1);
    const h = Math.abs(y0 - y1);
    const classes = ['bar', bar.kind, bar.period === options.reportPeriod ? 'selected' : '', bar.amount < 0n ? 'negative' : ''].filter(Boolean).join(' ');
    const amountText = `${formatAmount(bar.amount, options.minorUnit)} ${options.currency}`;
    out.push(
      `<rect class="${classes}" data-period="${bar.period}" data-kind="${bar.kind}" data-amount-minor="${bar.amount}" x="${x.toFixed(2)}" y="${top.toFixed(2)}" width="${barWidth}" height="${h.toFixed(2)}"><title>${periodLabel(bar.period)} ${bar.kind}: ${amountText}</title></rect>`,
    );
    if (i % labelEvery === 0) {
      const lx = LEFT + i * slot + slot / 2;
      const ly = TOP + PLOT_HEIGHT + 12;
      out.push(`<text class="xtick" x="${lx.toFixed(2)}" y="${ly}" transform="rotate(-50 ${lx.toFixed(2)} ${ly})" text-anchor="end">${periodLabel(bar.period)}</text>`);
    }
  });

  const currentIndex = bars.findIndex((b) => b.period === options.currentPeriod);
  if (currentIndex >= 0 && currentIndex < bars.length - 1) {
    const bx = LEFT + (currentIndex + 1) * slot;
    out.push(`<line class="boundary" x1="${bx}" x2="${bx}" y1="${TOP - 6}" y2="${TOP + PLOT_HEIGHT}"/>`);
    out.push(`<text class="boundary-label" x="${bx - 4}" y="${TOP - 10}" text-anchor="end">recognized ◂</text>`);
    out.push(`<text class="boundary-label" x="${bx + 4}" y="${TOP - 10}">▸ scheduled</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Gridline step 1, 2 or 5 × 10^k minor units, about five steps over [lo, hi], always including 0. */
export function niceScale(min: bigint, max: bigint): { lo: bigint; hi: bigint; step: bigint } {
  const span = max - min > 0n ? max - min : 100n;
  const rough = span / 5n > 0n ? span / 5n : 1n;
  const magnitude = pow10(rough.toString().length - 1);
  const step = [1n, 2n, 5n, 10n].map((m) => m * magnitude).find((s) => s >= rough) ?? 10n * magnitude;
  const lo = floorTo(min, step);
  let hi = -floorTo(-max, step);
  if (hi === lo) hi = lo + step;
  return { lo, hi, step };
}

function floorTo(value: bigint, step: bigint): bigint {
  const q = value / step;
  return (value < 0n && q * step !== value ? q - 1n : q) * step;
}
