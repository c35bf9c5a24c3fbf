import { ConfigError } from '../errors.js';
import { nextPeriod } from '../periods/period-math.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BalancesAt, PeriodJournals, PeriodMovements, WaterfallBar, WaterfallData, WaterfallSettings } from './waterfall-types.js';

/** Exact integer from a DuckDB JSON value (HUGEINT/BIGINT come as strings); NULL (an empty sum) is 0. */
export function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new Error(`Unexpected amount ${JSON.stringify(value)}: expected an integer of minor units`);
}

type Row = Record<string, unknown>;

/**
 * Reads everything the waterfall report shows, in the home currency, with sums done by DuckDB in HUGEINT and read
 * as exact strings. `period` must be the current period or a closed one.
 */
export async function readWaterfallData(wh: Warehouse, period: number): Promise<WaterfallData> {
  const settings = await readSettings(wh);
  if (period > settings.currentPeriod || period < settings.firstPeriod) {
    throw new ConfigError(`--period ${period} has no reported numbers: the books run from ${settings.firstPeriod} and the current period is ${settings.currentPeriod}`, {
      hint: `give the current period (${settings.currentPeriod}) or a closed one; later periods are only scheduled`,
    });
  }
  const current = settings.currentPeriod;
  const movementRows = await wh.rows<Row>(
    `SELECT actg_period::INTEGER AS period, sum(revenue_home)::HUGEINT AS revenue, sum(new_billing_home)::HUGEINT AS billing,
            sum(fcc_home)::HUGEINT AS fcc, sum(adjustment_home)::HUGEINT AS adjustment
     FROM marts.fct_line_periods GROUP BY ALL ORDER BY period`,
  );
  const movements: PeriodMovements[] = movementRows.map((r) => ({
    period: Number(r.period),
    revenue: toBigInt(r.revenue),
    billing: toBigInt(r.billing),
    fcc: toBigInt(r.fcc),
    adjustment: toBigInt(r.adjustment),
  }));
  const scheduled = await wh.rows<Row>(
    `SELECT actg_period::INTEGER AS period, sum(revenue_home)::HUGEINT AS revenue
     FROM marts.fct_revenue_schedule WHERE actg_period >= $1 GROUP BY ALL ORDER BY period`,
    [current],
  );
  const bars = fillGaps([
    ...movements.map((m): WaterfallBar => ({ period: m.period, amount: m.revenue, kind: 'recognized' })),
    ...scheduled.filter((r) => Number(r.period) > current).map((r): WaterfallBar => ({ period: Number(r.period), amount: toBigInt(r.revenue), kind: 'scheduled' })),
  ], current);
  const scheduleCurrentRevenue = toBigInt(scheduled.find((r) => Number(r.period) === current)?.revenue);

  // Balances at P over the lines that have a row at P. A line finished earlier has none: its not-yet-billed amount
  // and its foreign-currency change both stay out (they are equal once every balance is 0, so the identity holds).
  const [b] = await wh.rows<Row>(
    `SELECT sum(end_unearned_home)::HUGEINT AS end_unearned, sum(end_unbilled_home)::HUGEINT AS end_unbilled,
            sum(end_backlog_home)::HUGEINT AS end_backlog, sum(cum_booked_home)::HUGEINT AS cum_booked,
            sum(cum_billing_home)::HUGEINT AS cum_billing, sum(cum_adjustment_home)::HUGEINT AS cum_adjustment,
            sum(cum_revenue_home)::HUGEINT AS cum_revenue,
            (SELECT sum(f.fcc_home)::HUGEINT FROM marts.fct_line_periods AS f
             WHERE f.actg_period <= $1 AND f.line_key IN (SELECT line_key FROM marts.fct_line_periods WHERE actg_period = $1)) AS cum_fcc
     FROM marts.fct_line_periods WHERE actg_period = $1`,
    [period],
  );
  const balances: BalancesAt = {
    endUnearned: toBigInt(b?.end_unearned),
    endUnbilled: toBigInt(b?.end_unbilled),
    endBacklog: toBigInt(b?.end_backlog),
    cumBooked: toBigInt(b?.cum_booked),
    cumBilling: toBigInt(b?.cum_billing),
    cumAdjustment: toBigInt(b?.cum_adjustment),
    cumRevenue: toBigInt(b?.cum_revenue),
    cumFcc: toBigInt(b?.cum_fcc),
  };

  const journalRows = await wh.rows<Row>(
    `SELECT actg_period::INTEGER AS period,
            sum(CASE WHEN account_type IN ('Revenue', 'Contra Revenue') THEN credit_minor - debit_minor ELSE 0 END)::HUGEINT AS revenue_net_credit,
            sum(CASE WHEN account_type = 'Deferred Revenue' THEN credit_minor - debit_minor ELSE 0 END)::HUGEINT AS deferred_net_credit,
            sum(CASE WHEN account_type = 'Unbilled Receivable' THEN debit_minor - credit_minor ELSE 0 END)::HUGEINT AS unbilled_net_debit
     FROM marts.fct_journal_lines WHERE actg_period <= $1 GROUP BY ALL ORDER BY period`,
    [period],
  );
  const journals: PeriodJournals[] = journalRows.map((r) => ({
    period: Number(r.period),
    revenueNetCredit: toBigInt(r.revenue_net_credit),
    deferredNetCredit: toBigInt(r.deferred_net_credit),
    unbilledNetDebit: toBigInt(r.unbilled_net_debit),
  }));
  return { settings, period, bars, movements, journals, balances, scheduleCurrentRevenue };
}

async function readSettings(wh: Warehouse): Promise<WaterfallSettings> {
  const [s] = await wh.rows<Row>('SELECT home_currency, home_minor_unit, first_period, current_period, last_closed_period FROM intermediate.int_settings');
  if (!s) throw new ConfigError('intermediate.int_settings is empty', { hint: 'run revrec build first' });
  return {
    homeCurrency: String(s.home_currency),
    homeMinorUnit: Number(s.home_minor_unit),
    firstPeriod: Number(s.first_period),
    currentPeriod: Number(s.current_period),
    lastClosedPeriod: s.last_closed_period === null ? null : Number(s.last_closed_period),
  };
}

/** One bar per month from the first to the last: a month without revenue gets a zero bar, so the axis is time. */
function fillGaps(bars: readonly WaterfallBar[], current: number): WaterfallBar[] {
  if (bars.length === 0) return [];
  const byPeriod = new Map(bars.map((b) => [b.period, b]));
  const out: WaterfallBar[] = [];
  const last = bars[bars.length - 1]!.period;
  for (let p = bars[0]!.period; p <= last; p = nextPeriod(p)) {
    out.push(byPeriod.get(p) ?? { period: p, amount: 0n, kind: p <= current ? 'recognized' : 'scheduled' });
  }
  return out;
}
