/**
 * Recognition schedules (spec "Recognition"): the cumulative fraction `F(p)` of a line's price recognized through
 * period `p`, and the cumulative-rounding formulas built on it. Every per-period amount is the difference of two
 * rounded cumulative amounts, so the periods always add up to the total.
 */
import type { Rational } from './money.js';
import { roundHalfAwayFromZero } from './money.js';
import type { Period } from './periods.js';
import { lastDayOfPeriod, periodOfDay } from './periods.js';

/** `ratable_daily` (the default) spreads by days; `point_in_time` recognizes all in the period of the start. */
export type RecognitionMethod = 'ratable_daily' | 'point_in_time';

/** What F(p) depends on. Days are epoch days; both service dates are included. */
export interface RecognitionSchedule {
  readonly method: RecognitionMethod;
  readonly startDay: number;
  readonly endDay: number;
  /** `period(booked date)`: nothing is recognized before it (catch-up in the booking period). */
  readonly bookedPeriod: Period;
}

const ZERO: Rational = { num: 0n, den: 1n };
const ONE: Rational = { num: 1n, den: 1n };

/** `D = end − start + 1`, the service days; throws when the end is before the start. */
export function serviceDays(schedule: RecognitionSchedule): number {
  const days = schedule.endDay - schedule.startDay + 1;
  if (days < 1) throw new RangeError(`service end ${schedule.endDay} is before its start ${schedule.startDay} (epoch days)`);
  return days;
}

/** `C(p) = clamp(last_day(p) − start + 1, 0, D)`: service days elapsed by the end of `p` (no booking clamp). */
export function cumulativeDays(schedule: RecognitionSchedule, period: Period): number {
  const elapsed = lastDayOfPeriod(period) - schedule.startDay + 1;
  return Math.max(0, Math.min(elapsed, serviceDays(schedule)));
}

/**
 * `F(p)`: 0 before the booking period; `C(p) / D` for `ratable_daily`; 1 from the period of the service start for
 * `point_in_time`. Returned as an exact rational.
 */
export function recognizedFraction(schedule: RecognitionSchedule, period: Period): Rational {
  if (period < schedule.bookedPeriod) return ZERO;
  switch (schedule.method) {
    case 'ratable_daily':
      return { num: BigInt(cumulativeDays(schedule, period)), den: BigInt(serviceDays(schedule)) };
    case 'point_in_time':
      return period >= periodOfDay(schedule.startDay) ? ONE : ZERO;
    default:
      throw new Error(`Unexpected recognition method ${String(schedule.method satisfies never)}`);
  }
}

/** `round(total × F)`: the cumulative amount through a period, in minor units. */
export function cumulativeAmount(total: bigint, fraction: Rational): bigint {
  return roundHalfAwayFromZero(total * fraction.num, fraction.den);
}

/** `CR(p) = round(TP_line(p) × F(p))`. */
export function cumulativeRevenue(priceInForce: bigint, schedule: RecognitionSchedule, period: Period): bigint {
  return cumulativeAmount(priceInForce, recognizedFraction(schedule, period));
}

/**
 * `Contra(p) = round(TP_line(p) × F(p−1)) − round(TP_line(p−1) × F(p−1))`: the catch-up of a price change on the
 * revenue already recognized before `p` (negative when a credit memo lowers it).
 */
export function contraAmount(priceNow: bigint, pricePrevious: bigint, previousFraction: Rational): bigint {
  return cumulativeAmount(priceNow, previousFraction) - cumulativeAmount(pricePrevious, previousFraction);
}
