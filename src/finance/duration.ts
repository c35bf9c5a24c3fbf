/**
 * The orders export's `Duration` and `MRR` (spec "Export fields"). Duration is whole months k with
 * `add_months(start, k) ≤ end + 1 day` (day clamped to month end) plus the remaining days over the length of the
 * calendar month they start in, rounded half away from zero to two decimals. MRR divides the booking by that
 * two-decimal Duration (the divisor an accountant sees in the export), never by less than one month.
 */
import { roundHalfAwayFromZero } from './money.js';
import { addMonthsClampedDay, daysInMonth, epochDayToCivil, toEpochDay } from './periods.js';
import type { RecognitionMethod } from './recognition.js';

/** Duration in hundredths of a month (`1200n` = 12.00) of inclusive service dates given as epoch days. */
export function durationHundredthsOfDays(startDay: number, endDay: number): bigint {
  const endExclusive = endDay + 1;
  if (endExclusive < startDay) throw new RangeError(`service end ${endDay} is before its start ${startDay} (epoch days)`);
  const start = epochDayToCivil(startDay);
  const end = epochDayToCivil(endExclusive);
  let months = (end.year - start.year) * 12 + (end.month - start.month);
  if (addMonthsClampedDay(startDay, months) > endExclusive) months -= 1;
  const anchor = addMonthsClampedDay(startDay, months);
  const { year, month } = epochDayToCivil(anchor);
  const monthLength = BigInt(daysInMonth(year, month));
  const remaining = BigInt(endExclusive - anchor);
  return roundHalfAwayFromZero((BigInt(months) * monthLength + remaining) * 100n, monthLength);
}

/** Duration in hundredths of a month of inclusive ISO service dates: 2024-06-15..2024-10-12 → `393n` (3.93). */
export function durationHundredths(serviceStart: string, serviceEnd: string): bigint {
  return durationHundredthsOfDays(toEpochDay(serviceStart), toEpochDay(serviceEnd));
}

/** Hundredths as the exported text: `393n` → `3.93`. */
export function formatDuration(hundredths: bigint): string {
  const negative = hundredths < 0n;
  const digits = (negative ? -hundredths : hundredths).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * `MRR = round(Booking / max(Duration, 1))` in the booking's minor units for `ratable_daily`; 0 for
 * `point_in_time`.
 */
export function monthlyRecurringRevenue(booking: bigint, durationHundredths: bigint, method: RecognitionMethod): bigint {
  if (method === 'point_in_time') return 0n;
  const divisor = durationHundredths > 100n ? durationHundredths : 100n;
  return roundHalfAwayFromZero(booking * 100n, divisor);
}
