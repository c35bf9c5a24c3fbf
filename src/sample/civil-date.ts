/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC), without `Date` and without the wall clock.
 * The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`; they are exact for the proleptic
 * Gregorian calendar, which is what `YYYY-MM-DD` in the input files means.
 */
export interface CivilDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

/** Day number of a calendar date (1970-01-01 is 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar date of a day number. */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const formatted = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (memoised: a generated company uses a few thousand distinct days). */
export function formatDay(days: number): string {
  let text = formatted.get(days);
  if (text === undefined) {
    const { year, month, day } = civilFromDays(days);
    text = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
    formatted.set(days, text);
  }
  return text;
}

/** `YYYY-MM` of a day number (used to name monthly delivery files). */
export function monthKeyOf(days: number): string {
  return formatDay(days).slice(0, 7);
}

/** Number of days in a month. */
export function daysInMonth(year: number, month: number): number {
  return month === 12 ? 31 : daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
}

/** First day of the month of `days`. */
export function firstOfMonth(days: number): number {
  const { year, month } = civilFromDays(days);
  return daysFromCivil(year, month, 1);
}

/** Last day of the month of `days`. */
export function lastOfMonth(days: number): number {
  const { year, month } = civilFromDays(days);
  return daysFromCivil(year, month, daysInMonth(year, month));
}

/** `days` moved by `count` calendar months, the day clamped to the target month's end (Jan 31 + 1 = Feb 29). */
export function addMonths(days: number, count: number): number {
  const { year, month, day } = civilFromDays(days);
  const index = year * 12 + (month - 1) + count;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Parses a `YYYYMM` period into its first day, or returns undefined when it is not a real month. */
export function parsePeriod(period: string): number | undefined {
  const m = /^(\d{4})(\d{2})$/.exec(period);
  if (!m) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return daysFromCivil(Number(m[1]), month, 1);
}

/** True when `text` is a real `YYYY-MM-DD` date (the strictness of inputs.md: `2024-02-30` is not). */
export function isValidIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
