/**
 * Replays a seeded oracle scenario through the real SQL models period by period, as production would run it:
 * land what arrives in the period, build, compare with the oracle, close both sides, repeat. Once, a closed period
 * is reopened after the next period's (late) data arrived, rebuilt, compared and closed again.
 */
import type { Period } from '../../../src/finance/periods.js';
import { addPeriods } from '../../../src/finance/periods.js';
import { close, compute, initialState, reopen } from '../../oracle/ledger.js';
import type { LedgerState, OracleInputs } from '../../oracle/oracle-types.js';
import type { Arriving, Scenario } from '../../oracle/random-contracts.js';
import { inputsAt } from '../../oracle/random-contracts.js';
import type { Difference } from './ledger-comparison.js';
import { compareLedgers } from './ledger-comparison.js';
import { deliveryFiles } from './scenario-files.js';
import type { Delivery } from './scenario-files.js';
import { SqlLedger } from './sql-ledger.js';
import { readSqlSnapshot } from './sql-snapshot.js';

export interface ReplayOptions {
  /** The project copy to build (see `copyProject`). */
  readonly projectDir: string;
  /** Reopen this period right after closing it (default: the first period + 2). */
  readonly reopenAt?: Period;
  /** Extra periods replayed after the last non-rate arrival (default 2). */
  readonly settlePeriods?: number;
  /**
   * Also reopen two periods at once right after closing this one (with the next period's data arrived), then close
   * them again one by one, comparing at each step (default: none).
   */
  readonly doubleReopenAt?: Period;
  /** Replay at most this many periods (the future schedule is still compared at every step). */
  readonly maxPeriods?: number;
  /** Called with the warehouse still open when a step disagrees (for debugging: query the models there). */
  readonly onFailure?: (ledger: SqlLedger, failure: NonNullable<ReplayReport['failure']>) => Promise<void>;
}

/** The outcome of one replay; `failure` is the first step that disagreed (later steps are not run). */
export interface ReplayReport {
  readonly steps: number;
  /** Line-period rows compared, over all steps (closed, current and future). */
  readonly rowsCompared: number;
  /** Distinct (line, period) pairs that were compared at least once. */
  readonly linePeriods: number;
  readonly failure?: { readonly step: string; readonly differences: readonly Difference[] };
}

type RecordLists = Scenario['records'];

/** The records of a scenario that arrive in the periods `after` (exclusive) to `upTo` (inclusive). */
export function arrivalsBetween(scenario: Scenario, after: Period, upTo: Period): Delivery {
  const pick = <T>(list: Array<Arriving<T>>) => list.filter((r) => r.arrival > after && r.arrival <= upTo).map((r) => r.record);
  const r: RecordLists = scenario.records;
  return {
    orders: pick(r.orders),
    invoices: pick(r.invoices),
    commissions: pick(r.commissions),
    fxRates: pick(r.fxRates),
    generalImport: pick(r.generalImport),
    exclusions: pick(r.exclusions),
  };
}

function lastBusinessArrival(scenario: Scenario): Period {
  const r = scenario.records;
  const lists: Array<Array<Arriving<unknown>>> = [r.orders, r.invoices, r.commissions, r.generalImport, r.exclusions];
  return Math.max(scenario.config.firstPeriod, ...lists.flatMap((list) => list.map((x) => x.arrival)));
}

/** Replays `scenario` against a fresh warehouse and the oracle; stops at the first disagreeing step. */
export async function replayScenario(name: string, scenario: Scenario, options: ReplayOptions): Promise<ReplayReport> {
  const config = scenario.config;
  const first = config.firstPeriod;
  const reopenAt = options.reopenAt ?? addPeriods(first, 2);
  const end = Math.min(
    scenario.lastPeriod,
    addPeriods(Math.max(lastBusinessArrival(scenario), addPeriods(reopenAt, 1)), options.settlePeriods ?? 2),
    addPeriods(first, (options.maxPeriods ?? 1000) - 1),
  );
  const ledger = await SqlLedger.open(options.projectDir, name, {
    home_currency: config.homeCurrency,
    first_period: first,
    max_rate_age_days: config.maxRateAgeDays ?? 3,
    commission_expedient: config.commissionExpedient ?? false,
  });
  let state: LedgerState = initialState(config);
  let landedThrough = 0;
  let steps = 0;
  let rowsCompared = 0;
  const seen = new Set<string>();

  const landThrough = async (period: Period) => {
    await ledger.land(deliveryFiles(arrivalsBetween(scenario, landedThrough, period), `arrived-${period}`));
    landedThrough = period;
  };
  const step = async (label: string, inputs: OracleInputs): Promise<ReplayReport['failure']> => {
    steps++;
    const failures = await ledger.build();
    const oracle = compute(inputs, state);
    const differences: Difference[] = failures.map((f) => ({ what: 'build', line: '', period: null, column: f.node, sql: f.status, oracle: f.message.slice(0, 200) }));
    differences.push(...compareLedgers(oracle, await readSqlSnapshot(ledger)));
    rowsCompared += oracle.rows.length;
    for (const row of oracle.rows) seen.add(`${row.lineKind}:${row.lineKey}@${row.period}`);
    if (differences.length === 0) return undefined;
    const failure = { step: label, differences };
    await options.onFailure?.(ledger, failure);
    return failure;
  };
  const report = (failure?: ReplayReport['failure']): ReplayReport => ({ steps, rowsCompared, linePeriods: seen.size, ...(failure ? { failure } : {}) });

  try {
    await ledger.land(deliveryFiles({ products: scenario.products }, 'catalogue'));
    for (let period = first; period <= end; period = addPeriods(period, 1)) {
      await landThrough(period);
      const inputs = inputsAt(scenario, period);
      const failure = await step(`period ${period}`, inputs);
      if (failure) return report(failure);
      await ledger.freeze();
      state = close(inputs, state);
      if (period === reopenAt) {
        // Late data for the closed period arrives with the next period's files; the period is reopened for it.
        const next = addPeriods(period, 1);
        await landThrough(next);
        await ledger.reopen();
        state = reopen(state);
        const lateInputs = inputsAt(scenario, next);
        const reopened = await step(`period ${period} reopened with the data arrived by ${next}`, lateInputs);
        if (reopened) return report(reopened);
        await ledger.freeze();
        state = close(lateInputs, state);
      }
      if (period === options.doubleReopenAt && period !== reopenAt && period !== first) {
        const next = addPeriods(period, 1);
        await landThrough(next);
        await ledger.reopen();
        await ledger.reopen();
        state = reopen(reopen(state));
        const lateInputs = inputsAt(scenario, next);
        const previous = addPeriods(period, -1);
        for (const label of [`periods ${previous} and ${period} reopened with the data arrived by ${next}`, `period ${period} closed again`]) {
          const failure = await step(label, lateInputs);
          if (failure) return report(failure);
          await ledger.freeze();
          state = close(lateInputs, state);
        }
      }
    }
    return report();
  } finally {
    await ledger.close();
  }
}
