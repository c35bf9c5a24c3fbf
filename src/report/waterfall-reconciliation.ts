import { periodLabel } from './money-text.js';
import type { RevenueJournalRow, TieCheck, WaterfallData, WaterfallReport } from './waterfall-types.js';

/**
 * The identity the waterfall must satisfy (accounting.md, "Rollforward" and "Foreign exchange"), per line and so
 * in total, at the end of a period P:
 *
 *   revenue still to recognize after P  =  ending unearned revenue (deferred revenue, liability)
 *                                        − ending unbilled receivable (asset)
 *                                        + contract value not yet billed (booked − billed − adjustments, through P)
 *                                        − foreign-currency change through P
 *
 * Because net(P) = billed − recognized + adjustments = EndU − EndUB, and what is left to recognize is
 * booked − recognized. In transaction currency the FX term is 0; in the home currency the balances are carried at
 * the contract rate while billings convert at their own dates' rates, and the foreign-currency change is exactly
 * that difference. "Revenue still to recognize" is also the ending backlog.
 */
export const WATERFALL_IDENTITY =
  'scheduled revenue after P = ending unearned revenue − ending unbilled receivable + contract value not yet billed (booked − billed − adjustments through P) − foreign-currency change through P';

/**
 * Totals and tie-outs of seed 002's period-close checks (waterfall vs the liability and asset reports, revenue vs
 * journals), all in exact `bigint`. Pure.
 */
export function reconcileWaterfall(data: WaterfallData): WaterfallReport {
  const { period, balances: b, settings } = data;
  const p = periodLabel(period);
  const isCurrent = period === settings.currentPeriod;
  const sum = (values: readonly bigint[]) => values.reduce((a, v) => a + v, 0n);
  const recognizedTotal = sum(data.bars.filter((x) => x.kind === 'recognized').map((x) => x.amount));
  const scheduledTotal = sum(data.bars.filter((x) => x.kind === 'scheduled').map((x) => x.amount));
  const afterPeriodTotal = sum(data.bars.filter((x) => x.period > period).map((x) => x.amount));
  const notYetBilled = b.cumBooked - b.cumBilling - b.cumAdjustment;
  const identityRight = b.endUnearned - b.endUnbilled + notYetBilled - b.cumFcc;
  // After the current period the bars are the schedule; after a closed period they are later actuals plus the
  // schedule, with business booked since, so the waterfall at that close is the backlog frozen then.
  const remaining = isCurrent ? afterPeriodTotal : b.endBacklog;
  const remainingLabel = isCurrent ? `Waterfall: revenue scheduled after ${p}` : `Waterfall at the close of ${p}: ending backlog (revenue then still to recognize)`;
  const journalsThrough = data.journals.filter((j) => j.period <= period);
  const checks: TieCheck[] = [
    tie('waterfall-balances', 'Waterfall vs deferred revenue and unbilled receivable', { label: remainingLabel, amount: remaining }, { label: 'Unearned − unbilled + not yet billed − FX change', amount: identityRight }, {
      parts: [
        { label: `Ending unearned revenue (deferred revenue) ${p}`, amount: b.endUnearned, sign: '+' },
        { label: `Ending unbilled receivable ${p}`, amount: b.endUnbilled, sign: '−' },
        { label: 'Contract value not yet billed (booked − billed − adjustments)', amount: notYetBilled, sign: '+' },
        { label: `Foreign-currency change through ${p}`, amount: b.cumFcc, sign: '−' },
      ],
    }),
  ];
  if (isCurrent) {
    checks.push(tie('waterfall-backlog', 'Waterfall vs ending backlog', { label: `Revenue scheduled after ${p}`, amount: afterPeriodTotal }, { label: `Ending backlog ${p} (booked − recognized)`, amount: b.endBacklog }));
    checks.push(tie('schedule-current', 'Current period in both marts', { label: `fct_line_periods revenue ${p}`, amount: data.bars.find((x) => x.period === period)?.amount ?? 0n }, { label: `fct_revenue_schedule revenue ${p}`, amount: data.scheduleCurrentRevenue }));
  }
  checks.push(
    tie('liability-journals', 'Liability report: deferred revenue vs journals', { label: `Ending unearned revenue ${p}`, amount: b.endUnearned }, { label: `Deferred Revenue journals through ${p} (Cr − Dr)`, amount: sum(journalsThrough.map((j) => j.deferredNetCredit)) }),
    tie('asset-journals', 'Asset report: unbilled receivable vs journals', { label: `Ending unbilled receivable ${p}`, amount: b.endUnbilled }, { label: `Unbilled Receivable journals through ${p} (Dr − Cr)`, amount: sum(journalsThrough.map((j) => j.unbilledNetDebit)) }),
  );
  const journalsByPeriod = new Map(data.journals.map((j) => [j.period, j]));
  const revenueVsJournals: RevenueJournalRow[] = data.movements
    .filter((m) => m.period <= period)
    .map((m) => {
      const journalRevenue = journalsByPeriod.get(m.period)?.revenueNetCredit ?? 0n;
      const implied = journalRevenue + m.billing + m.fcc + m.adjustment;
      return { period: m.period, revenue: m.revenue, journalRevenue, billing: m.billing, fcc: m.fcc, adjustment: m.adjustment, implied, difference: m.revenue - implied, provisional: m.period === settings.currentPeriod };
    });
  const allTie = checks.every((c) => c.ties) && revenueVsJournals.every((r) => r.difference === 0n);
  return { data, recognizedTotal, scheduledTotal, afterPeriodTotal, checks, revenueVsJournals, allTie };
}

function tie(id: string, title: string, left: TieCheck['left'], right: TieCheck['right'], extra: Pick<TieCheck, 'parts' | 'note'> = {}): TieCheck {
  const difference = left.amount - right.amount;
  return { id, title, left, right, difference, ties: difference === 0n, ...extra };
}
