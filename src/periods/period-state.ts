import { ConfigError } from '../errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { nextPeriod, parsePeriod } from './period-math.js';

export interface PeriodClose {
  readonly period: number;
  readonly closedAt: string;
  readonly forced: boolean;
  readonly forceReasons: string | null;
}

export interface PeriodState {
  readonly firstPeriod: number;
  readonly currentPeriod: number;
  readonly lastClosedPeriod: number | null;
  readonly closes: readonly PeriodClose[];
}

/** Reads `vars.first_period` as a YYYYMM period, or fails naming the setting. */
export function firstPeriodOf(vars: Readonly<Record<string, unknown>>): number {
  const period = parsePeriod(String(vars.first_period ?? ''));
  if (period === undefined) {
    throw new ConfigError(`vars.first_period must be a period YYYYMM, got "${String(vars.first_period)}"`, {
      location: { file: 'pipeline.yml' },
      hint: 'set REVREC_FIRST_PERIOD=202401 or vars.first_period in pipeline.yml',
    });
  }
  return period;
}

/**
 * The period state (accounting.md, "Periods"): exactly one current period, the month after the latest close, or
 * the configured first period when nothing was closed; periods before it are closed, after it future.
 */
export async function readPeriodState(wh: Warehouse, firstPeriod: number): Promise<PeriodState> {
  const rows = await wh.rows<{ actg_period: number; closed_at: string; forced: boolean; force_reasons: string | null }>(
    'SELECT actg_period, closed_at, forced, force_reasons FROM meta.period_closes ORDER BY actg_period',
  );
  const closes = rows.map((r) => ({ period: Number(r.actg_period), closedAt: r.closed_at, forced: r.forced, forceReasons: r.force_reasons }));
  const last = closes.at(-1)?.period ?? null;
  return { firstPeriod, currentPeriod: last === null ? firstPeriod : nextPeriod(last), lastClosedPeriod: last, closes };
}
