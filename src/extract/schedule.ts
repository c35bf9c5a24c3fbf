import { z } from 'zod';

/**
 * When a source (or an export job) is due. Seed 000: daily, weekly or monthly at a time, default daily at
 * midnight US Eastern. `revrec extract --if-due` runs a source when its latest scheduled time has passed since its
 * last successful run, so one frequent cron line or Airflow task can drive every schedule.
 */
export const scheduleSchema = z
  .object({
    every: z.enum(['daily', 'weekly', 'monthly']).default('daily'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24-hour)').default('00:00'),
    timezone: z.string().default('America/New_York'),
    /** weekly: monday … sunday */
    day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
    /** monthly: 1 … 28, or -1 for the last day */
    day_of_month: z.number().int().min(-1).max(28).optional(),
  })
  .strict();

export type Schedule = z.infer<typeof scheduleSchema>;

export const DEFAULT_SCHEDULE: Schedule = { every: 'daily', at: '00:00', timezone: 'America/New_York' };

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** Wall-clock parts of an instant in a time zone (Intl does the zone rules, including daylight saving). */
function zoned(instant: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'long',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: WEEKDAYS.indexOf(get('weekday').toLowerCase() as (typeof WEEKDAYS)[number]),
  };
}

/** The instant at which the wall clock in `timeZone` shows the given local date and time. */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes converge for every real zone offset, including around daylight-saving changes.
  let instant = guess;
  for (let i = 0; i < 2; i++) {
    const z = zoned(new Date(instant), timeZone);
    const shown = Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute);
    instant += guess - shown;
  }
  return new Date(instant);
}

/** The latest scheduled instant at or before `now`. */
export function latestScheduledTime(schedule: Schedule, now: Date): Date {
  const [hour, minute] = schedule.at.split(':').map(Number) as [number, number];
  const today = zoned(now, schedule.timezone);
  for (let back = 0; back <= 62; back++) {
    const probe = new Date(Date.UTC(today.year, today.month - 1, today.day - back, 12));
    const y = probe.getUTCFullYear();
    const m = probe.getUTCMonth() + 1;
    const d = probe.getUTCDate();
    const weekday = probe.getUTCDay();
    const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const matches =
      schedule.every === 'daily' ||
      (schedule.every === 'weekly' && WEEKDAYS[weekday] === (schedule.day ?? 'monday')) ||
      (schedule.every === 'monthly' && d === ((schedule.day_of_month ?? 1) === -1 ? lastDay : (schedule.day_of_month ?? 1)));
    if (!matches) continue;
    const at = zonedInstant(y, m, d, hour, minute, schedule.timezone);
    if (at.getTime() <= now.getTime()) return at;
  }
  throw new Error('Unexpected: no scheduled time in the last 62 days');
}

/** Due when the latest scheduled time has passed since the last successful run (never run: due). */
export function isDue(schedule: Schedule, lastSuccess: Date | undefined, now: Date): boolean {
  if (!lastSuccess) return true;
  return lastSuccess.getTime() < latestScheduledTime(schedule, now).getTime();
}
