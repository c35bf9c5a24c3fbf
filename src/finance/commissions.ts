/**
 * Commissions (spec "Commissions", decision 3): a commission is capitalized in `period(Commission_Date)` and
 * amortized over its line's service period with the line's method and cumulative rounding, never before its own
 * period nor before the line is booked. With the practical expedient a line of at most 12.00 months expenses the
 * commission at once in its capitalization period.
 */
import type { Rational } from './money.js';
import type { Period } from './periods.js';
import type { RecognitionSchedule } from './recognition.js';
import { cumulativeAmount, recognizedFraction } from './recognition.js';

/** Longest Duration (hundredths of a month) that qualifies for the expedient: 12.00 months. */
export const EXPEDIENT_MAX_DURATION_HUNDREDTHS = 1200n;

/** Does a line of this `Duration` expense its commissions at once when the expedient is on? */
export function qualifiesForExpedient(durationHundredths: bigint): boolean {
  return durationHundredths <= EXPEDIENT_MAX_DURATION_HUNDREDTHS;
}

/** How one commission is amortized. */
export interface CommissionTerms {
  /** `period(Commission_Date)`: the capitalization period. */
  readonly commissionPeriod: Period;
  /** The line's recognition schedule (its `bookedPeriod` clamps too). */
  readonly schedule: RecognitionSchedule;
  /** Expedient applies: all expensed in the capitalization period. */
  readonly expenseAtOnce: boolean;
}

/**
 * `F_c(p)`: 0 before `max(period(booked), period(Commission_Date))`, else the line's `F(p)`; with the expedient,
 * 1 from the capitalization period.
 */
export function commissionFraction(terms: CommissionTerms, period: Period): Rational {
  if (period < terms.commissionPeriod) return { num: 0n, den: 1n };
  if (terms.expenseAtOnce) return { num: 1n, den: 1n };
  return recognizedFraction(terms.schedule, period);
}

/** Commission capitalized through `p`: the whole amount from its period on. */
export function capitalizedThrough(amount: bigint, commissionPeriod: Period, period: Period): bigint {
  return period >= commissionPeriod ? amount : 0n;
}

/** Cumulative amortization through `p`: `round(amount × F_c(p))`. */
export function amortizedThrough(amount: bigint, terms: CommissionTerms, period: Period): bigint {
  return cumulativeAmount(amount, commissionFraction(terms, period));
}
