/**
 * Exchange rates (spec "Foreign exchange"): the rate for a date is the latest `Rate_Date ≤ date` no older than
 * `maxRateAgeDays`, a direct row beating the inverse row on the same date, the inverse used as the exact `1/Rate`,
 * no cross rates. Rates are exact rationals, so a conversion rounds once, half away from zero.
 */
import type { Rational } from './money.js';
import { pow10, roundHalfAwayFromZero } from './money.js';
import { toEpochDay } from './periods.js';

/** One row of the rate table: 1 `from` = `rate` `to`, on `rateDate` (ISO date or epoch day). */
export interface FxRateRow {
  readonly from: string;
  readonly to: string;
  readonly rateDate: string | number;
  readonly rate: Rational;
}

/** A rate found for a date: the rate, the day of the row it came from, and whether it is an inverted row. */
export interface FxLookup {
  readonly rate: Rational;
  readonly rateDay: number;
  readonly inverse: boolean;
}

/** The rate of a currency to itself. */
export const UNIT_RATE: Rational = { num: 1n, den: 1n };

interface DatedRate {
  day: number;
  rate: Rational;
}

/** An immutable index of rate rows by currency pair, for lookups by date. */
export class FxRateTable {
  private readonly byPair = new Map<string, DatedRate[]>();

  /**
   * Currency codes are compared case-insensitively. Rows whose rate is not positive are ignored (a zero rate has
   * no inverse and converts nothing). A later row of the same pair and date replaces an earlier one.
   */
  constructor(rows: Iterable<FxRateRow>) {
    const staging = new Map<string, Map<number, Rational>>();
    for (const row of rows) {
      if (row.rate.num <= 0n || row.rate.den <= 0n) continue;
      const key = pairKey(row.from, row.to);
      const day = typeof row.rateDate === 'number' ? row.rateDate : toEpochDay(row.rateDate);
      let byDay = staging.get(key);
      if (!byDay) staging.set(key, (byDay = new Map()));
      byDay.set(day, row.rate);
    }
    for (const [key, byDay] of staging) {
      const list = [...byDay].map(([day, rate]) => ({ day, rate }));
      list.sort((a, b) => a.day - b.day);
      this.byPair.set(key, list);
    }
  }

  /**
   * The rate converting `currency` into `home` on `date` (ISO or epoch day), or `undefined` when no row of the
   * pair (direct or inverse) is dated within `[date − maxRateAgeDays, date]`. Same currency: rate 1.
   */
  rateFor(currency: string, home: string, date: string | number, maxRateAgeDays: number): FxLookup | undefined {
    const day = typeof date === 'number' ? date : toEpochDay(date);
    if (currency.toUpperCase() === home.toUpperCase()) return { rate: UNIT_RATE, rateDay: day, inverse: false };
    const direct = latestOnOrBefore(this.byPair.get(pairKey(currency, home)), day);
    const inverse = latestOnOrBefore(this.byPair.get(pairKey(home, currency)), day);
    let found: FxLookup | undefined;
    if (direct && (!inverse || direct.day >= inverse.day)) {
      found = { rate: direct.rate, rateDay: direct.day, inverse: false };
    } else if (inverse) {
      found = { rate: invert(inverse.rate), rateDay: inverse.day, inverse: true };
    }
    return found && day - found.rateDay <= maxRateAgeDays ? found : undefined;
  }
}

function pairKey(from: string, to: string): string {
  return `${from.toUpperCase()}>${to.toUpperCase()}`;
}

function latestOnOrBefore(list: DatedRate[] | undefined, day: number): DatedRate | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  let best: DatedRate | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const entry = list[mid] as DatedRate;
    if (entry.day <= day) {
      best = entry;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** `1 / rate`, exact. */
export function invert(rate: Rational): Rational {
  if (rate.num === 0n) throw new RangeError('invert: a zero rate has no inverse');
  return rate.num < 0n ? { num: -rate.den, den: -rate.num } : { num: rate.den, den: rate.num };
}

/**
 * `amount × rate` from a currency with `fromMinorUnit` decimals into one with `toMinorUnit` decimals, rounded half
 * away from zero: 903.23 × 1.5 → 1354.85.
 */
export function convert(amountMinor: bigint, fromMinorUnit: number, rate: Rational, toMinorUnit: number): bigint {
  const exact = exactProduct(amountMinor, fromMinorUnit, rate, toMinorUnit);
  return roundHalfAwayFromZero(exact.num, exact.den);
}

/** `amount × rate` in minor units of the target currency, as an exact rational. */
export function exactProduct(amountMinor: bigint, fromMinorUnit: number, rate: Rational, toMinorUnit: number): Rational {
  const up = toMinorUnit - fromMinorUnit;
  return up >= 0
    ? { num: amountMinor * rate.num * pow10(up), den: rate.den }
    : { num: amountMinor * rate.num, den: rate.den * pow10(-up) };
}

/**
 * The revenue-detail `Rounding` column: `txn × rate − round(txn × rate)`, exact, in major units of the target
 * currency (903.23 × 1.5 → −0.005). Format it with `formatRational(residue, 12)`.
 */
export function roundingResidue(amountMinor: bigint, fromMinorUnit: number, rate: Rational, toMinorUnit: number): Rational {
  const exact = exactProduct(amountMinor, fromMinorUnit, rate, toMinorUnit);
  const rounded = roundHalfAwayFromZero(exact.num, exact.den);
  return { num: exact.num - rounded * exact.den, den: exact.den * pow10(toMinorUnit) };
}
