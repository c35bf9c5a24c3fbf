import { z } from 'zod';
import { zNumberish } from '../project/config-values.js';

/**
 * When a source (or an export job) is due. Seed 000: daily, weekly or monthly at a time, default daily at
 * midnight US Eastern. `revrec extract --if-due` runs a source when its latest scheduled time has passed since its
 * last successful run, so one frequent cron line or Airflow task can drive every schedule.
 */
export const scheduleSchema = z
  .object({
    every: z.enum(['daily', 'weekly', 'monthly']).default('daily'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24-hour)').default('00:00'),
    timezone: z.string().refine(isTimeZone, 'an IANA time zone such as America/New_York, Europe/Berlin or UTC').default('America/New_York'),
    /** weekly: monday … sunday (default monday) */
    day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
    /** monthly: 1 … 28, or -1 for the last day (default 1) */
    day_of_month: zNumberish.pipe(z.number().int().min(-1).max(28).refine((d) => d !== 0, '1 … 28, or -1 for the last day')).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // A day that the frequency ignores is a misunderstanding worth reporting, not a silent no-op.
    if (s.day !== undefined && s.every !== 'weekly') ctx.addIssue({ code: 'custom', path: ['day'], message: `day applies to every: weekly, not ${s.every}` });
    if (s.day_of_month !== undefined && s.every !== 'monthly') {
      ctx.addIssue({ code: 'custom', path: ['day_of_month'], message: `day_of_month applies to every: monthly, not ${s.every}` });
    }
  });

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

/** True for a time zone name `Intl` knows (IANA names, `UTC`). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` in `timeZone`, as if it were a UTC timestamp (ms). */
function wallMillis(instant: number, timeZone: string): number {
  const z = zoned(new Date(instant), timeZone);
  return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute);
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local date and time. Around daylight-saving
 * changes: a time that occurs twice (autumn) is its first occurrence; a time that does not exist (the spring gap)
 * is read with the offset before the change, so it falls just after the gap (02:30 → 03:30 EDT), as cron does.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const DAY = 86_400_000;
  // Zone offsets a day before and a day after: every real zone changes its offset at most once in between.
  const offsetBefore = wallMillis(wall - DAY, timeZone) - (wall - DAY);
  const offsetAfter = wallMillis(wall + DAY, timeZone) - (wall + DAY);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((t) => wallMillis(t, timeZone) === wall).sort((a, b) => a - b);
  return new Date(candidates[0] ?? wall - offsetBefore);
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
