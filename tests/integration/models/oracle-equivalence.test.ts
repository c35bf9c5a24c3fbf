/**
 * The SQL models equal the reference ledger (tests/oracle) to the cent on seeded scenarios: each scenario is replayed
 * period by period through the real landing, build and period close (with a reopen and late data), and at every step
 * every line and period is compared: rollforward, revenue (contra/ordinary), backlog and expense amounts in
 * transaction and home currency, FCC, netted journals, the future revenue schedule, contract lines (allocation,
 * dates, method, FX-pending) and the stage area (type, key, code, status). The data tests of data-tests/ run in
 * every build and must pass too.
 *
 * Default: a handful of scenarios, each replaying its first periods (about a minute on two busy cores). A bigger
 * run: `REVREC_ORACLE_SEEDS=200` (seeds 1..200, half of them with the rarer cases, every period to the end;
 * `REVREC_ORACLE_FIRST_SEED=201` starts elsewhere). Extended scenarios also reopen two periods at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addPeriods } from '../../../src/finance/periods.js';
import { randomScenario } from '../../oracle/random-contracts.js';
import { formatDifferences } from '../../support/oracle-sql/ledger-comparison.js';
import type { ReplayReport } from '../../support/oracle-sql/scenario-replay.js';
import { replayScenario } from '../../support/oracle-sql/scenario-replay.js';
import { copyProject } from '../../support/oracle-sql/sql-ledger.js';

interface Case {
  readonly seed: number;
  readonly extended: boolean;
  readonly orders: number;
}

const BIG_RUN = Number(process.env.REVREC_ORACLE_SEEDS ?? 0);
/** First seed of a big run (default 1), to split one over machines or sessions. */
const FIRST_SEED = Number(process.env.REVREC_ORACLE_FIRST_SEED ?? 1);

/**
 * Default seeds: each once exposed a disagreement, in its first ten periods (see docs/accounting-decisions.md 16–20):
 * 1 external billing and split amounts without currency, 2 a cancelled credit after the end (price in force), 10 the
 * schedule of a split line after a part ended, 104 a row with only a contra movement, 211 an invoice line replaced by
 * an order item of its key, 301 documents of a held item, 305 credits of an excluded invoice-as-contract line.
 */
const DEFAULT_CASES: readonly Case[] = [
  { seed: 1, extended: false, orders: 6 },
  { seed: 2, extended: false, orders: 6 },
  { seed: 10, extended: false, orders: 6 },
  { seed: 104, extended: false, orders: 12 },
  { seed: 211, extended: true, orders: 6 },
  { seed: 301, extended: true, orders: 10 },
  { seed: 305, extended: true, orders: 10 },
];

const CASES: readonly Case[] =
  BIG_RUN > 0
    ? Array.from({ length: BIG_RUN }, (_, i) => ({ seed: FIRST_SEED + i, extended: (FIRST_SEED + i) % 2 === 0, orders: 6 + ((FIRST_SEED + i - 1) % 3) * 2 }))
    : DEFAULT_CASES;
/** The default run replays the first periods only (the tail of a schedule is still compared as future periods). */
const MAX_PERIODS = BIG_RUN > 0 ? undefined : 10;

describe('SQL models equal the oracle on seeded scenarios', () => {
  const reports: ReplayReport[] = [];

  afterAll(() => {
    const steps = reports.reduce((n, r) => n + r.steps, 0);
    const rows = reports.reduce((n, r) => n + r.rowsCompared, 0);
    const linePeriods = reports.reduce((n, r) => n + r.linePeriods, 0);
    console.info(`oracle equivalence: ${reports.length} scenarios, ${steps} builds, ${rows} line-period rows compared (${linePeriods} distinct line-periods)`);
  });

  it.concurrent.each(CASES.map((c) => [`seed ${c.seed}${c.extended ? ' (extended)' : ''}, ${c.orders} orders`, c] as const))(
    '%s',
    async (_name, c) => {
      const scenario = randomScenario(c.seed, { orders: c.orders, extended: c.extended });
      // Each scenario builds its own copy of the project: concurrent builds must not share target/.
      const project = await copyProject();
      let report: ReplayReport;
      try {
        report = await replayScenario(`seed-${c.seed}`, scenario, {
          projectDir: project.dir,
          ...(c.extended ? { doubleReopenAt: addPeriods(scenario.config.firstPeriod, 5) } : {}),
          ...(MAX_PERIODS ? { maxPeriods: MAX_PERIODS } : {}),
        });
      } finally {
        await project.cleanup();
      }
      reports.push(report);
      const message = report.failure
        ? `seed ${c.seed}${c.extended ? ' (extended)' : ''}: SQL and oracle disagree at ${report.failure.step}\n${formatDifferences(report.failure.differences)}`
        : '';
      expect(report.failure, message).toBeUndefined();
      expect(report.steps).toBeGreaterThan(1);
    },
    600_000,
  );
});
