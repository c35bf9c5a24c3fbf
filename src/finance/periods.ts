/**
 * Calendar arithmetic for accounting periods (`YYYYMM` integers) and ISO dates (`YYYY-MM-DD`), in pure integer
 * arithmetic on epoch days (days since 1970-01-01). No `Date`, so no local time zone can shift a day.
 */

/** An accounting period as the integer `YYYYMM` (e.g. `202401`). */
export type Period = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `year` a Gregorian leap year? */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The parts of a strict `YYYY-MM-DD` that names a real day, or `undefined` (`2024-02-30` is not a date). */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`, proleptic Gregorian). */
export function civilToEpochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of an epoch day (inverse of {@link civilToEpochDay}). */
export function epochDayToCivil(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `YYYY-MM-DD` → epoch day; throws a `RangeError` naming the text when it is not a real date. */
export function toEpochDay(isoDate: string): number {
  const parts = parseIsoDate(isoDate);
  if (!parts) throw new RangeError(`"${isoDate}" is not a real date of the form YYYY-MM-DD`);
  return civilToEpochDay(parts.year, parts.month, parts.day);
}

/** Epoch day → `YYYY-MM-DD`. */
export function fromEpochDay(epochDay: number): string {
  const { year, month, day } = epochDayToCivil(epochDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The period of an epoch day. */
export function periodOfDay(epochDay: number): Period {
  const { year, month } = epochDayToCivil(epochDay);
  return year * 100 + month;
}

/** `period(date)`: the month of an ISO date, as `YYYYMM`. */
export function periodOf(isoDate: string): Period {
  const parts = parseIsoDate(isoDate);
  if (!parts) throw new RangeError(`"${isoDate}" is not a real date of the form YYYY-MM-DD`);
  return parts.year * 100 + parts.month;
}

/** `period` moved by `n` months (negative goes back): `addPeriods(202412, 1)` = `202501`. */
export function addPeriods(period: Period, n: number): Period {
  const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + n;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
}

/** Whole months from `from` to `to` (`to − from`, may be negative). */
export function periodsBetween(from: Period, to: Period): number {
  return Math.floor(to / 100) * 12 + (to % 100) - (Math.floor(from / 100) * 12 + (from % 100));
}

/** Epoch day of the first day of a period. */
export function firstDayOfPeriod(period: Period): number {
  return civilToEpochDay(Math.floor(period / 100), period % 100, 1);
}

/** Epoch day of the last day of a period. */
export function lastDayOfPeriod(period: Period): number {
  const year = Math.floor(period / 100);
  const month = period % 100;
  return civilToEpochDay(year, month, daysInMonth(year, month));
}

/** First day of a period as `YYYY-MM-DD`. */
export function firstDay(period: Period): string {
  return fromEpochDay(firstDayOfPeriod(period));
}

/** Last day of a period as `YYYY-MM-DD`. */
export function lastDay(period: Period): string {
  return fromEpochDay(lastDayOfPeriod(period));
}

/** Days from `start` to `end`, both included (`end − start + 1`); 0 or less when `end` is before `start`. */
export function daysInclusive(startIso: string, endIso: string): number {
  return toEpochDay(endIso) - toEpochDay(startIso) + 1;
}

/** Epoch day `k` months after `epochDay`, the day clamped to the target month's end (Jan 31 + 1 = Feb 28/29). */
export function addMonthsClampedDay(epochDay: number, k: number): number {
  const { year, month, day } = epochDayToCivil(epochDay);
  const index = year * 12 + (month - 1) + k;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return civilToEpochDay(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** ISO date `k` months after `isoDate`, day clamped to month end (SQL `add_months`). */
export function addMonthsClamped(isoDate: string, k: number): string {
  return fromEpochDay(addMonthsClampedDay(toEpochDay(isoDate), k));
}
