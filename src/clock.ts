import { ConfigError } from './errors.js';

/**
 * The one source of "now" (export timestamps, schedule due checks, run history): `REVREC_NOW` (ISO 8601) pins it
 * so runs are reproducible; otherwise the system clock.
 */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.REVREC_NOW;
  if (!pinned) return new Date();
  const date = new Date(pinned);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(`REVREC_NOW is not an ISO 8601 time: "${pinned}"`, { hint: 'e.g. REVREC_NOW=2025-01-31T23:00:00Z' });
  }
  return date;
}

export type Clock = () => Date;

export const systemClock: Clock = () => now();
