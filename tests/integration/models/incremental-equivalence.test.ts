/**
 * The daily run is incremental: staging validates only the keys today's files touch, and stays incremental across a
 * close; the models after staging replace only the orders today's orders, invoices, commissions and rates touch and
 * the rows outside any order whose keys they touch (side-slice-equivalence.test.ts reaches each way a key is touched),
 * and after a close the orders dated in the period it opened (exclusions and a reopen rebuild them;
 * the models indexed by the current period rebuild after a close). This proves the incremental result equals a full
 * rebuild to the cent: the same scenario is delivered file by file into two warehouses; one builds incrementally after
 * every file, the other rebuilds everything (--full-refresh), and every build is compared (TwinLedgers).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { addPeriods } from '../../../src/finance/periods.js';
import { randomScenario } from '../../oracle/random-contracts.js';
import { deliveryFiles } from '../../support/oracle-sql/scenario-files.js';
import type { Delivery } from '../../support/oracle-sql/scenario-files.js';
import { arrivalsBetween } from '../../support/oracle-sql/scenario-replay.js';
import { TwinLedgers } from '../../support/oracle-sql/twin-ledgers.js';

const SEEDS = (process.env.REVREC_INCREMENTAL_SEEDS ?? '17').split(',').map(Number);
const PERIODS = Number(process.env.REVREC_INCREMENTAL_PERIODS ?? 4);

/** 'YYYY-MM-01' of a YYYYMM period. */
const firstDayOf = (period: number): string => `${String(period).slice(0, 4)}-${String(period).slice(4)}-01`;

describe('incremental builds equal full rebuilds', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  for (const seed of SEEDS) {
    test(`scenario ${seed}: file by file over ${PERIODS} periods`, async () => {
      const scenario = randomScenario(seed, { orders: 10, extended: seed % 2 === 1 });
      const twins = await TwinLedgers.open(String(seed), {
        home_currency: scenario.config.homeCurrency,
        first_period: scenario.config.firstPeriod,
        max_rate_age_days: scenario.config.maxRateAgeDays ?? 3,
        commission_expedient: scenario.config.commissionExpedient ?? false,
      });
      cleanups.push(() => twins.close());
      await twins.land(deliveryFiles({ products: scenario.products }, 'catalogue'));
      await twins.buildBoth('catalogue');
      let deliveredEarly = false;
      for (let i = 0, period = scenario.config.firstPeriod; i < PERIODS; i++, period = addPeriods(period, 1)) {
        // Every other period, the next period's orders, documents, commissions and general-import rows arrive
        // before the close (dated in the next period, they wait as FUTURE_PERIOD): the build after the close must
        // take them into the books although no file landed (int_rechain_scope's periods opened by a close).
        const arrivals = arrivalsBetween(scenario, addPeriods(period, -1), period);
        const early = i % 2 === 0 ? arrivalsBetween(scenario, period, addPeriods(period, 1)) : undefined;
        const merge = <T>(now: readonly T[] | undefined, next: readonly T[] | undefined): T[] => [...(deliveredEarly ? [] : (now ?? [])), ...(next ?? [])];
        const delivery: Delivery = {
          ...arrivals,
          orders: merge(arrivals.orders, early?.orders),
          invoices: merge(arrivals.invoices, early?.invoices),
          commissions: merge(arrivals.commissions, early?.commissions),
          // an early override or split of an order item is booked in the next period (held until the close), so the
          // close must take in its item although the item itself is dated earlier
          generalImport: merge(arrivals.generalImport, early?.generalImport?.map((g) => (g.bookedDate ? g : { ...g, bookedDate: firstDayOf(addPeriods(period, 1)) }))),
        };
        deliveredEarly = early !== undefined;
        const files = deliveryFiles(delivery, `p${period}`);
        // Every other period the files arrive the other way round: the rates after the orders, documents and
        // commissions that need them (FX-pending first, then resolved by a daily build that lands only rates).
        if (i % 2 === 1) files.reverse();
        for (const file of files) {
          await twins.land([file]);
          await twins.buildBoth(`${period} after ${file.name}`);
        }
        await twins.freeze();
        await twins.buildBoth(`${period} closed`);
      }
      const { builds, narrow, slice } = twins.counts;
      expect(builds).toBeGreaterThan(PERIODS);
      // Most builds must really have been incremental (only a period change or reference data forces a full one).
      expect(narrow).toBeGreaterThan(builds / 2);
      // The orders, invoices and commissions files of every period are built by replacing only the orders they touch.
      expect(slice).toBeGreaterThanOrEqual(PERIODS);
    }, 600_000);
  }
});
