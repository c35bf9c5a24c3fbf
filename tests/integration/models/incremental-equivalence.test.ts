/**
 * The daily run is incremental: staging validates only the keys today's files touch, and stays incremental across a
 * close; the models after staging replace only the orders today's orders, invoices, commissions and rates touch, and
 * after a close the orders dated in the period it opened (general-import rows, exclusions and a reopen rebuild them;
 * the models indexed by the current period rebuild after a close). This proves the incremental result equals a full
 * rebuild to the cent: the same scenario is delivered file by file into two warehouses; one builds incrementally after
 * every file, the other rebuilds everything (--full-refresh); after every build every model table must be identical,
 * row for row, and the continuous export that follows (comparing only the orders the builds since its last run rebuilt)
 * must send what comparing every record sends.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { addPeriods } from '../../../src/finance/periods.js';
import { randomScenario } from '../../oracle/random-contracts.js';
import { deliveryFiles } from '../../support/oracle-sql/scenario-files.js';
import type { Delivery } from '../../support/oracle-sql/scenario-files.js';
import { arrivalsBetween } from '../../support/oracle-sql/scenario-replay.js';
import { copyProject, SILENT_REPORTER, SqlLedger } from '../../support/oracle-sql/sql-ledger.js';
import { exportContinuous } from '../../../src/export/continuous-export.js';
import { DEFAULT_CONTINUOUS_SCHEDULE } from '../../../src/export/export-config.js';
import { EXPORT_TYPES } from '../../../src/export/export-types.js';

const SEEDS = (process.env.REVREC_INCREMENTAL_SEEDS ?? '17').split(',').map(Number);
const PERIODS = Number(process.env.REVREC_INCREMENTAL_PERIODS ?? 4);


async function tables(ledger: SqlLedger): Promise<string[]> {
  const rows = await ledger.rows<{ name: string }>(
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name IN ('staging', 'intermediate', 'marts', 'exports')
     ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/**
 * A continuous export into `folder`; `everything` makes it compare every record (as its first run does) instead of
 * only the orders the change log names. Returns per type what it sent.
 */
async function exportChanges(ledger: SqlLedger, folder: string, everything: boolean): Promise<Record<string, unknown>> {
  if (everything) await ledger.wh.run('DELETE FROM meta.change_log_marks');
  const outcome = await exportContinuous(ledger.wh, {
    job: { job: 'continuous', enabled: true, formats: ['csv'], destinations: [{ name: 'out', store: { kind: 'local', folder } }], schedule: DEFAULT_CONTINUOUS_SCHEDULE },
    clock: () => new Date(0),
    reporter: SILENT_REPORTER,
  });
  return Object.fromEntries(Object.entries(outcome.changes).map(([type, c]) => [type, { changed: c!.changed, zeroed: c!.zeroed, version: String(c!.version) }]));
}

/** 'YYYY-MM-01' of a YYYYMM period. */
const firstDayOf = (period: number): string => `${String(period).slice(0, 4)}-${String(period).slice(4)}-01`;

/** Every row of a table as sorted canonical strings (an order-free, exact comparison). */
async function contents(ledger: SqlLedger, table: string, exclude = ''): Promise<string[]> {
  const rows = await ledger.rows(`SELECT * ${exclude} FROM ${table}`);
  return rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();
}

describe('incremental builds equal full rebuilds', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  for (const seed of SEEDS) {
    test(`scenario ${seed}: file by file over ${PERIODS} periods`, async () => {
      const scenario = randomScenario(seed, { orders: 10, extended: seed % 2 === 1 });
      const project = await copyProject();
      cleanups.push(project.cleanup);
      const vars = {
        home_currency: scenario.config.homeCurrency,
        first_period: scenario.config.firstPeriod,
        max_rate_age_days: scenario.config.maxRateAgeDays ?? 3,
        commission_expedient: scenario.config.commissionExpedient ?? false,
      };
      const incremental = await SqlLedger.open(project.dir, `incremental-${seed}`, vars);
      const full = await SqlLedger.open(project.dir, `full-${seed}`, vars);
      cleanups.push(async () => {
        await incremental.close();
        await full.close();
      });
      let builds = 0;
      let narrowBuilds = 0;
      let sliceBuilds = 0;
      const buildBoth = async (what: string) => {
        expect(await incremental.build(), `${what}: incremental build`).toEqual([]);
        const [scope] = await incremental.rows<{ full_recompute: boolean; full_rechain: boolean }>(
          'SELECT full_recompute, full_rechain FROM intermediate.int_build_scope',
        );
        if (scope && !scope.full_recompute) narrowBuilds++;
        if (scope && !scope.full_rechain) sliceBuilds++;
        expect(await full.build(true), `${what}: full build`).toEqual([]);
        builds++;
        const names = await tables(incremental);
        expect(names).toEqual(await tables(full));
        for (const table of names) {
          const [a, b] = [await contents(incremental, table), await contents(full, table)];
          if (JSON.stringify(a) !== JSON.stringify(b)) {
            const onlyIncremental = a.filter((x) => !b.includes(x)).slice(0, 3);
            const onlyFull = b.filter((x) => !a.includes(x)).slice(0, 3);
            expect({ table, what, onlyIncremental, onlyFull }).toEqual({ table, what, onlyIncremental: [], onlyFull: [] });
          }
        }
        // The continuous export after the incremental build compares only the orders it rebuilt (the change log);
        // it must send exactly what comparing every record sends.
        const sent = await exportChanges(incremental, join(project.dir, 'outbox-incremental'), false);
        expect(sent, `${what}: continuous export`).toEqual(await exportChanges(full, join(project.dir, 'outbox-full'), true));
        for (const type of EXPORT_TYPES.filter((t) => t.model)) {
          const table = `meta.continuous_sent_${type.name}`;
          expect(await contents(incremental, table, 'EXCLUDE (_export_id)'), `${what}: ${table}`).toEqual(await contents(full, table, 'EXCLUDE (_export_id)'));
        }
      };
      for (const ledger of [incremental, full]) await ledger.land(deliveryFiles({ products: scenario.products }, 'catalogue'));
      await buildBoth('catalogue');
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
          for (const ledger of [incremental, full]) await ledger.land([file]);
          await buildBoth(`${period} after ${file.name}`);
        }
        for (const ledger of [incremental, full]) await ledger.freeze();
        await buildBoth(`${period} closed`);
      }
      expect(builds).toBeGreaterThan(PERIODS);
      // Most builds must really have been incremental (only a period change or reference data forces a full one).
      expect(narrowBuilds).toBeGreaterThan(builds / 2);
      // The orders, invoices and commissions files of every period are built by replacing only the orders they touch.
      expect(sliceBuilds).toBeGreaterThanOrEqual(PERIODS);
    }, 600_000);
  }
});
