import { addMonths, civilFromDays, dayOfWeek, firstOfMonth, formatDay } from './civil-date.js';
import type { FxSummary } from './generation-summary.js';
import { divRound, formatScaled, pow10 } from './money-text.js';
import type { OutputFiles } from './output-files.js';
import { SAMPLE_CURRENCIES, type SampleCurrency } from './product-catalogue.js';
import type { RowDefect } from './sample-model.js';
import { SeededPrng } from './seeded-prng.js';
import type { SummaryCollector } from './summary-collector.js';

/** The age limit of accounting.md (`max_rate_age_days`, default 3) that the gap is built to exceed. */
export const MAX_RATE_AGE_DAYS = 3;

/** Rough USD value of one unit, ×1e9: the level each random walk reverts to. */
const BASE_USD_VALUE: Readonly<Record<SampleCurrency, number>> = {
  USD: 1_000_000_000,
  EUR: 1_085_000_000,
  GBP: 1_270_000_000,
  JPY: 6_700_000,
};

export interface FxPlan {
  readonly seed: number | string;
  readonly home: SampleCurrency;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly months: number;
  readonly fxGap: boolean;
  readonly badRows: boolean;
}

/** What the rest of the generator needs to know about the rates it wrote. */
export interface FxOutcome {
  readonly summary: FxSummary;
  readonly gapCurrency: SampleCurrency | null;
  /** True when a record in `currency` dated `day` finds no rate at most {@link MAX_RATE_AGE_DAYS} old. */
  isPending(currency: SampleCurrency, day: number): boolean;
}

/**
 * Writes daily business-day rates `foreign → home` (mean-reverting random walks at realistic levels, 4–6 decimals,
 * none on weekends, Dec 25 or Jan 1, so weekend lookups rely on the age limit), with one gap longer than the age limit
 * in one currency (records dated in it are FX-pending), two inverse-pair rows (home → foreign, one on a day without
 * the direct row), and, with `badRows`, malformed rows on weekend days (no good row shares their key).
 */
export function writeFxRates(plan: FxPlan, out: OutputFiles, collector: SummaryCollector): FxOutcome {
  const rng = new SeededPrng(plan.seed, 'fx');
  const foreign = SAMPLE_CURRENCIES.filter((c) => c !== plan.home);
  const gapCurrency = plan.fxGap
    ? ((['GBP', 'EUR', 'JPY', 'USD'] as const).find((c) => c !== plan.home) ?? null)
    : null;
  const inverseCurrency = (['JPY', 'USD', 'EUR'] as const).find(
    (c) => c !== plan.home && c !== gapCurrency,
  ) as SampleCurrency;
  const startDay = plan.firstDay - 14;

  const gapMonth = firstOfMonth(addMonths(plan.firstDay, Math.floor(plan.months * 0.6)));
  const gapFrom = gapMonth + 9;
  const gapTo = gapMonth + 20;
  const inverseDay1 = nextBusinessDay(firstOfMonth(addMonths(plan.firstDay, Math.floor(plan.months * 0.3))) + 14);
  const inverseDay2 = nextBusinessDay(inverseDay1 + 1);

  const badCurrency = foreign.find((c) => c !== gapCurrency) as SampleCurrency;
  const badMonth = firstOfMonth(addMonths(plan.firstDay, Math.floor(plan.months * 0.2)));
  const saturdays = [0, 1, 2].map((k) => nextWeekday(badMonth + 7 * k, 6));
  const badRows = new Map<number, { record: Record<string, string>; defect: RowDefect }[]>();
  if (plan.badRows) planBadRows(badRows, saturdays, badCurrency, plan);

  const values = new Map<SampleCurrency, number>(SAMPLE_CURRENCIES.map((c) => [c, BASE_USD_VALUE[c]]));
  const lastRate = new Map<SampleCurrency, number>();
  const span = plan.lastDay - startDay + 1;
  const pending = new Map<SampleCurrency, Uint8Array>(foreign.map((c) => [c, new Uint8Array(span)]));
  const inverseRows: FxSummary['inverseRows'] = [];
  let rows = 0;

  for (let day = startDay; day <= plan.lastDay; day++) {
    if (isBusinessDay(day)) {
      for (const c of SAMPLE_CURRENCIES) {
        if (c === 'USD') continue;
        const v = values.get(c) as number;
        const step = rng.between(-35, 35);
        values.set(c, v + Math.trunc((v * step) / 10000) + Math.trunc((BASE_USD_VALUE[c] - v) / 40));
      }
      const home = values.get(plan.home) as number;
      for (const c of foreign) {
        const skipDirect =
          (c === gapCurrency && day >= gapFrom && day <= gapTo) || (c === inverseCurrency && day === inverseDay2);
        if (!skipDirect) {
          const v = values.get(c) as number;
          const scale = v >= home ? (c === 'EUR' || c === 'USD' ? 5 : 4) : 6;
          const rate = formatScaled(divRound(BigInt(v) * pow10(scale), BigInt(home)), scale);
          collector.countCurrency('fx_rates', c);
          out.writeRecord('fx_rates', day, {
            From_Currency: c,
            To_Currency: plan.home,
            Rate_Date: formatDay(day),
            Rate: rate,
          });
          rows++;
          lastRate.set(c, day);
        }
        if (c === inverseCurrency && (day === inverseDay1 || day === inverseDay2)) {
          const v = values.get(c) as number;
          const scale = home >= v ? 4 : 6;
          const rate = formatScaled(divRound(BigInt(home) * pow10(scale), BigInt(v)), scale);
          collector.countCurrency('fx_rates', plan.home);
          out.writeRecord('fx_rates', day, {
            From_Currency: plan.home,
            To_Currency: c,
            Rate_Date: formatDay(day),
            Rate: rate,
          });
          rows++;
          lastRate.set(c, day);
          inverseRows.push({ date: formatDay(day), from: plan.home, to: c, directRowSameDay: !skipDirect });
        }
      }
    }
    for (const bad of badRows.get(day) ?? []) {
      collector.countCurrency('fx_rates', bad.record.From_Currency);
      const at = out.writeRecord('fx_rates', day, bad.record);
      rows++;
      const r = bad.record;
      collector.expect(at, 'fx_rates', `${r.From_Currency}|${r.To_Currency}|${r.Rate_Date}`, bad.defect);
    }
    for (const c of foreign) {
      const last = lastRate.get(c);
      if (last === undefined || day - last > MAX_RATE_AGE_DAYS) (pending.get(c) as Uint8Array)[day - startDay] = 1;
    }
  }

  const gapPending = gapCurrency ? pendingRange(pending.get(gapCurrency) as Uint8Array, startDay, plan.firstDay) : null;
  return {
    gapCurrency,
    summary: {
      pairs: foreign
        .map((c) => `${c}->${plan.home}`)
        .concat(inverseRows.length ? [`${plan.home}->${inverseCurrency} (inverse)`] : []),
      rows,
      gapCurrency,
      gapMissingFrom: gapCurrency ? formatDay(gapFrom) : null,
      gapMissingTo: gapCurrency ? formatDay(gapTo) : null,
      pendingFrom: gapPending ? formatDay(gapPending[0]) : null,
      pendingTo: gapPending ? formatDay(gapPending[1]) : null,
      inverseRows,
    },
    isPending(currency, day) {
      if (currency === plan.home || day < startDay || day > plan.lastDay) return false;
      return (pending.get(currency) as Uint8Array)[day - startDay] === 1;
    },
  };
}

function planBadRows(
  into: Map<number, { record: Record<string, string>; defect: RowDefect }[]>,
  saturdays: number[],
  currency: SampleCurrency,
  plan: FxPlan,
): void {
  const add = (day: number, record: Record<string, string>, defect: RowDefect): void => {
    const list = into.get(day) ?? [];
    list.push({ record, defect });
    into.set(day, list);
  };
  const [sat1, sat2, sat3] = saturdays as [number, number, number];
  add(
    sat1,
    { From_Currency: currency, To_Currency: plan.home, Rate_Date: formatDay(sat1), Rate: '1,0841' },
    {
      code: 'BAD_NUMBER',
      column: 'Rate',
      value: '1,0841',
      note: 'decimal comma in a rate',
    },
  );
  const { year } = civilFromDays(sat2);
  const badDate = `${year}-06-31`;
  add(
    sat2,
    { From_Currency: currency, To_Currency: plan.home, Rate_Date: badDate, Rate: '1.0841' },
    {
      code: 'BAD_DATE',
      column: 'Rate_Date',
      value: badDate,
      note: 'June has 30 days',
    },
  );
  add(
    sat2,
    { From_Currency: 'EURO', To_Currency: plan.home, Rate_Date: formatDay(sat2), Rate: '1.0841' },
    {
      code: 'UNKNOWN_CURRENCY',
      column: 'From_Currency',
      value: 'EURO',
      note: 'EURO is not an ISO 4217 code',
    },
  );
  add(
    sat3 + 1,
    { From_Currency: currency, To_Currency: plan.home, Rate_Date: formatDay(sat3 + 1), Rate: '' },
    {
      code: 'MISSING_FIELD',
      column: 'Rate',
      value: '',
      note: 'rate left blank',
    },
  );
}

/** Rate dates: weekdays except Dec 25 and Jan 1 (single holidays never push a lookup past the 3-day limit). */
export function isBusinessDay(day: number): boolean {
  const dow = dayOfWeek(day);
  if (dow === 0 || dow === 6) return false;
  const { month, day: dom } = civilFromDays(day);
  return !((month === 12 && dom === 25) || (month === 1 && dom === 1));
}

function nextBusinessDay(day: number): number {
  let d = day;
  while (!isBusinessDay(d)) d++;
  return d;
}

function nextWeekday(day: number, weekday: number): number {
  let d = day;
  while (dayOfWeek(d) !== weekday) d++;
  return d;
}

function pendingRange(flags: Uint8Array, startDay: number, firstDay: number): [number, number] | null {
  let from = -1;
  let to = -1;
  for (let i = firstDay - startDay; i < flags.length; i++) {
    if (flags[i] === 1) {
      if (from < 0) from = i;
      to = i;
    }
  }
  return from < 0 ? null : [startDay + from, startDay + to];
}
