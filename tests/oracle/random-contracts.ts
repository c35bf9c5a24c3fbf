/**
 * Seeded random contracts for property tests (oracle identities now, SQL-vs-oracle comparisons later). Every
 * record carries the period in which it *arrives*, so a test can replay "load data, close, load late data, close".
 */
import type { ScaledDecimal } from '../../src/finance/money.js';
import { decimal, decimalToMinor, formatScaled, multiplyDecimals } from '../../src/finance/money.js';
import type { Period } from '../../src/finance/periods.js';
import { addPeriods, firstDayOfPeriod, fromEpochDay, periodOf } from '../../src/finance/periods.js';
import { TEST_CURRENCIES } from './input-builders.js';
import type { OracleConfig, OracleInputs, ProductRecord } from './oracle-types.js';
import { addExtras } from './random-extras.js';
import { SeededRandom } from './seeded-random.js';

/** A record and the period in which it is loaded. */
export interface Arriving<T> {
  arrival: Period;
  record: T;
}

type Records = Omit<OracleInputs, 'config' | 'products' | 'currencies'>;

/** A generated scenario: config, reference data and records with arrival periods. */
export interface Scenario {
  config: OracleConfig;
  products: ProductRecord[];
  records: { [K in keyof Records]: Array<Arriving<Records[K][number]>> };
  /** The last period a test should close to see everything settle. */
  lastPeriod: Period;
}

/**
 * Today's data as of `period`: the latest version of every record that has arrived by then (inputs.md: a later
 * load of a record with the same key replaces the earlier one; within one load the later row wins). Versions are
 * ordered by arrival, then by their place in the list.
 */
export function inputsAt(scenario: Scenario, period: Period): OracleInputs {
  const upTo = <T>(list: Array<Arriving<T>>, key: (record: T) => string) => {
    const latest = new Map<string, { arrival: Period; index: number; record: T }>();
    list.forEach((r, index) => {
      if (r.arrival > period) return;
      const k = key(r.record);
      const seen = latest.get(k);
      if (!seen || r.arrival >= seen.arrival) latest.set(k, { arrival: r.arrival, index, record: r.record });
    });
    return [...latest.values()].sort((a, b) => a.index - b.index).map((v) => v.record);
  };
  const r = scenario.records;
  return {
    config: scenario.config,
    products: scenario.products,
    currencies: TEST_CURRENCIES,
    orders: upTo(r.orders, (o) => o.salesOrderItemId),
    invoices: upTo(r.invoices, (i) => `${i.invoiceNumber}|${i.salesOrderItemId ?? ''}`),
    commissions: upTo(r.commissions, (c) => c.commissionId),
    fxRates: upTo(r.fxRates, (x) => `${x.fromCurrency}|${x.toCurrency}|${x.rateDate}`.toUpperCase()),
    generalImport: upTo(r.generalImport, (g) => `${g.source}|${g.transactionId}|${g.splitTransactionId ?? ''}`),
    exclusions: upTo(r.exclusions, (e) => e.transactionId),
  };
}

/** Everything that ever arrives, as one input set. */
export function allInputs(scenario: Scenario): OracleInputs {
  return inputsAt(scenario, 999912);
}

export interface ScenarioOptions {
  orders?: number;
  firstPeriod?: Period;
  /** Chance that a record arrives after its own period (late data). */
  lateChance?: number;
  /** Foreign currencies in play (home is USD). */
  foreign?: boolean;
  /**
   * Also generate the rarer cases (`random-extras.ts`): corrected re-deliveries, early (future-dated) arrivals,
   * invoice-as-contract credits and cancellations by reference, commissions on external and invoice lines,
   * exclusion by invoice number, conflicting overrides, mismatched currencies, orphan records. Uses its own random
   * stream, so the base scenario of a seed is the same with or without it.
   */
  extended?: boolean;
}

const CURRENCY_RATES: Record<string, [number, number]> = { EUR: [105, 125], JPY: [60, 80], BHD: [2600, 2700] };
const RATE_SCALE: Record<string, number> = { EUR: 2, JPY: 4, BHD: 3 };

function money(rng: SeededRandom, minorUnit: number, maxMajor: number): ScaledDecimal {
  const minor = BigInt(rng.int(0, maxMajor * 10 ** minorUnit));
  return { units: minor, scale: minorUnit };
}

/** A random scenario; the same seed always gives the same scenario. */
export function randomScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = new SeededRandom(seed);
  const firstPeriod = options.firstPeriod ?? 202401;
  const lateChance = options.lateChance ?? 0.15;
  const currencies = options.foreign === false ? ['USD'] : ['USD', 'USD', 'EUR', 'JPY', 'BHD'];
  const minorOf = (c: string) => TEST_CURRENCIES.find((x) => x.currency === c)!.minorUnit;
  const windowStart = firstDayOfPeriod(addPeriods(firstPeriod, -3));
  const dayIn = (from: number, span: number) => from + rng.int(0, span);
  const arrivalFor = (date: string) => {
    const own = Math.max(periodOf(date), firstPeriod);
    return rng.chance(lateChance) ? addPeriods(own, rng.int(1, 3)) : own;
  };
  const scenario: Scenario = {
    config: { homeCurrency: 'USD', firstPeriod, maxRateAgeDays: 3, commissionExpedient: rng.chance(0.3) },
    products: [],
    records: { orders: [], invoices: [], commissions: [], fxRates: [], generalImport: [], exclusions: [] },
    lastPeriod: firstPeriod,
  };
  let lastDay = windowStart;

  for (const [index, code] of ['P1', 'P2', 'P3', 'P4'].entries()) {
    for (const currency of ['USD', 'EUR', 'JPY', 'BHD']) {
      if (rng.chance(0.2)) continue; // some product/currency pairs have no SSP row
      scenario.products.push({
        productId: code,
        productCode: `CODE-${code}`,
        productName: `Product ${code}`,
        recognitionMethod: index === 3 ? 'point_in_time' : 'ratable_daily',
        ssp: money(rng, minorOf(currency), 500),
        currency,
        effectiveFrom: fromEpochDay(windowStart - rng.int(0, 400)),
      });
    }
  }

  const orderCount = options.orders ?? 6;
  for (let o = 0; o < orderCount; o++) {
    const currency = rng.pick(currencies);
    const minor = minorOf(currency);
    const orderId = `SO${seed}-${o}`;
    const orderDay = dayIn(windowStart, 300);
    const itemCount = rng.int(1, 3);
    for (let i = 0; i < itemCount; i++) {
      const itemId = `${orderId}-${String.fromCharCode(97 + i)}`;
      const startDay = orderDay + rng.int(-40, 60);
      const endDay = startDay + rng.pick([0, 27, 30, 89, 180, 364, 365, 700]) + rng.int(0, 20);
      lastDay = Math.max(lastDay, endDay);
      const quantity = rng.chance(0.2) ? decimal(`${rng.int(1, 9)}.${rng.int(0, 9)}`) : decimal(String(rng.int(1, 5)));
      const salePrice = rng.chance(0.05) ? decimal(`-${rng.int(1, 99)}`) : money(rng, minor + (rng.chance(0.3) ? 1 : 0), 900);
      const record = {
        salesOrderId: orderId,
        salesOrderItemId: itemId,
        customerId: `C${rng.int(1, 5)}`,
        productId: rng.pick(['P1', 'P2', 'P3', 'P4', 'P9']),
        orderDate: fromEpochDay(orderDay),
        quantity,
        salePrice,
        ssp: rng.chance(0.5) ? money(rng, minor, 400) : undefined,
        currency,
        serviceStartDate: fromEpochDay(startDay),
        serviceEndDate: fromEpochDay(endDay),
      };
      scenario.records.orders.push({ arrival: arrivalFor(record.orderDate), record });
      addDocuments(rng, scenario, itemId, orderId, currency, minor, orderDay, endDay, arrivalFor);
      if (rng.chance(0.35)) {
        const date = fromEpochDay(orderDay + rng.int(0, 40));
        scenario.records.commissions.push({
          arrival: arrivalFor(date),
          record: {
            commissionId: `K-${itemId}`,
            salesOrderId: orderId,
            salesOrderItemId: itemId,
            commissionDate: date,
            commissionAmount: money(rng, minor, 80),
            currency,
            class: rng.pick(['Sales', 'Partner']),
          },
        });
      }
      if (itemCount === 1 && rng.chance(0.2)) {
        // A one-line order is allocated its booking, so split parts can be made to sum to it (or, rarely, not).
        const booking = decimalToMinor(multiplyDecimals(quantity, salePrice), minor) + (rng.chance(0.1) ? 1n : 0n);
        const first = BigInt(rng.int(0, 100)) * booking / 100n;
        for (const [part, amount] of [['p1', first], ['p2', booking - first]] as const) {
          const from = startDay + rng.int(-10, 60);
          scenario.records.generalImport.push({
            arrival: arrivalFor(fromEpochDay(orderDay)),
            record: {
              source: 'Stripe',
              transactionId: itemId,
              splitTransactionId: part,
              recognitionStartDate: fromEpochDay(from),
              recognitionEndDate: fromEpochDay(from + rng.int(1, 300)),
              amount: { units: amount, scale: minor },
            },
          });
        }
      } else if (rng.chance(0.12)) {
        // An override of the recognition dates (exclusive end), sometimes broken.
        const from = startDay + rng.int(-10, 30);
        scenario.records.generalImport.push({
          arrival: arrivalFor(fromEpochDay(orderDay)),
          record: {
            source: 'Stripe',
            transactionId: itemId,
            recognitionStartDate: fromEpochDay(from),
            recognitionEndDate: rng.chance(0.9) ? fromEpochDay(from + rng.int(1, 400)) : undefined,
          },
        });
      }
      if (rng.chance(0.05)) scenario.records.exclusions.push({ arrival: addPeriods(firstPeriod, rng.int(0, 6)), record: { transactionId: rng.chance(0.5) ? itemId : orderId } });
    }
  }

  for (let e = 0; e < Math.max(1, Math.floor(orderCount / 4)); e++) {
    const currency = rng.pick(currencies);
    const minor = minorOf(currency);
    const booked = dayIn(windowStart, 300);
    const start = booked + rng.int(-20, 40);
    const split = rng.chance(0.3);
    for (const part of split ? ['x', 'y'] : [undefined]) {
      const end = start + rng.int(1, 400);
      lastDay = Math.max(lastDay, end);
      const amount = money(rng, minor, 600);
      scenario.records.generalImport.push({
        arrival: arrivalFor(fromEpochDay(booked)),
        record: {
          source: rng.pick(['Checks', 'App Store']),
          transactionId: `EXT${seed}-${e}`,
          splitTransactionId: part,
          bookedDate: fromEpochDay(booked),
          recognitionStartDate: fromEpochDay(start),
          recognitionEndDate: fromEpochDay(end),
          amount: rng.chance(0.1) ? { units: -amount.units, scale: amount.scale } : amount,
          currency,
        },
      });
    }
  }

  for (let v = 0; v < Math.max(1, Math.floor(orderCount / 5)); v++) {
    const currency = rng.pick(currencies);
    const minor = minorOf(currency);
    const billed = dayIn(windowStart, 300);
    const start = billed + rng.int(-10, 10);
    const end = start + rng.int(0, 300);
    lastDay = Math.max(lastDay, end);
    const number = `IAC${seed}-${v}`;
    const amount = money(rng, minor, 700);
    const date = fromEpochDay(billed);
    scenario.records.invoices.push({
      arrival: arrivalFor(date),
      record: { invoiceNumber: number, documentType: 'INV', billingDate: date, billingAmount: amount, currency, serviceStartDate: fromEpochDay(start), serviceEndDate: fromEpochDay(end) },
    });
    if (rng.chance(0.4)) {
      const cmDate = fromEpochDay(billed + rng.int(0, 200));
      scenario.records.invoices.push({
        arrival: arrivalFor(cmDate),
        record: { invoiceNumber: `${number}-CM`, documentType: 'CM', referenceDocument: number, billingDate: cmDate, billingAmount: { units: amount.units / 3n, scale: amount.scale }, currency },
      });
    }
  }

  addRates(rng, scenario, windowStart, lastDay + 40);
  if (options.extended) addExtras(new SeededRandom(seed * 7919 + 17), scenario, seed);
  scenario.lastPeriod = addPeriods(latestPeriodIn(scenario), 1);
  return scenario;
}

function addDocuments(
  rng: SeededRandom,
  scenario: Scenario,
  itemId: string,
  orderId: string,
  currency: string,
  minor: number,
  orderDay: number,
  endDay: number,
  arrivalFor: (date: string) => Period,
): void {
  const push = (type: 'INV' | 'IVC' | 'CM' | 'CMC', number: string, day: number, amount: ScaledDecimal, reference?: string) => {
    const date = fromEpochDay(day);
    scenario.records.invoices.push({
      arrival: arrivalFor(date),
      record: { invoiceNumber: number, documentType: type, referenceDocument: reference, salesOrderId: orderId, salesOrderItemId: itemId, billingDate: date, billingAmount: amount, currency },
    });
  };
  const invoices = rng.int(0, 3);
  for (let n = 0; n < invoices; n++) {
    const day = orderDay + rng.int(-20, Math.max(0, endDay - orderDay + 30));
    const amount = money(rng, minor, 600);
    const number = `INV-${itemId}-${n}`;
    push('INV', number, day, amount);
    if (rng.chance(0.15)) push('IVC', `IVC-${itemId}-${n}`, day + rng.int(0, 60), rng.chance(0.8) ? amount : { units: amount.units / 2n, scale: amount.scale }, number);
    if (rng.chance(0.35)) {
      const cm = `CM-${itemId}-${n}`;
      const cmDay = day + rng.int(0, 200);
      const cmAmount = { units: (amount.units * BigInt(rng.int(1, 120))) / 100n, scale: amount.scale };
      push('CM', cm, cmDay, cmAmount, number);
      if (rng.chance(0.3)) push('CMC', `CMC-${itemId}-${n}`, cmDay + rng.int(0, 90), rng.chance(0.85) ? cmAmount : { units: cmAmount.units + 1n, scale: cmAmount.scale }, rng.chance(0.9) ? cm : 'NOPE');
    }
  }
  if (rng.chance(0.05)) {
    // An INV with neither an order nor a service period: NO_CONTRACT_LINE.
    const date = fromEpochDay(orderDay);
    scenario.records.invoices.push({
      arrival: arrivalFor(date),
      record: { invoiceNumber: `ORPHAN-${itemId}`, documentType: 'INV', billingDate: date, billingAmount: money(rng, minor, 50), currency },
    });
  }
}

function addRates(rng: SeededRandom, scenario: Scenario, fromDay: number, toDay: number): void {
  for (const currency of Object.keys(CURRENCY_RATES)) {
    const [low, high] = CURRENCY_RATES[currency]!;
    const scale = RATE_SCALE[currency]!;
    for (let day = fromDay - 5; day <= toDay; day += rng.int(1, 4)) {
      if (rng.chance(0.04)) day += 6; // a gap: FX-pending until a late rate arrives
      const value = BigInt(rng.int(low, high)); // EUR 1.05–1.25, JPY 0.0060–0.0080, BHD 2.600–2.700
      const inverse = rng.chance(0.2);
      const date = fromEpochDay(day);
      const rate = inverse
        ? decimal(formatScaled((10n ** BigInt(scale + 6)) / value, 6))
        : { units: value, scale };
      scenario.records.fxRates.push({
        arrival: rng.chance(0.1) ? addPeriods(Math.max(periodOf(date), scenario.config.firstPeriod), 1) : Math.max(periodOf(date), scenario.config.firstPeriod),
        record: inverse ? { fromCurrency: 'USD', toCurrency: currency, rateDate: date, rate } : { fromCurrency: currency, toCurrency: 'USD', rateDate: date, rate },
      });
    }
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The latest arrival or date period of any record: after it nothing changes. */
function latestPeriodIn(scenario: Scenario): Period {
  let latest = scenario.config.firstPeriod;
  for (const list of Object.values(scenario.records) as Array<Array<Arriving<object>>>) {
    for (const { arrival, record } of list) {
      latest = Math.max(latest, arrival);
      for (const value of Object.values(record)) if (typeof value === 'string' && ISO_DATE.test(value)) latest = Math.max(latest, periodOf(value));
    }
  }
  return latest;
}
