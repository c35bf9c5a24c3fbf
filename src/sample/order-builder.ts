import { addMonths, daysFromCivil, civilFromDays, daysInMonth } from './civil-date.js';
import { divRound } from './money-text.js';
import {
  NO_SSP_PRODUCT,
  productById,
  productsOfKind,
  sspOn,
  type Product,
  type ProductKind,
  type SampleCurrency,
} from './product-catalogue.js';
import type { BillingPlan, OrderLine, SalesOrder } from './sample-model.js';
import type { SeededPrng } from './seeded-prng.js';

/** Constraints a special case puts on an order; anything left open is drawn at random. */
export interface OrderShape {
  currency?: SampleCurrency;
  /** Never draw this currency (the FX-gap currency, for orders that must not be FX-pending). */
  avoidCurrency?: SampleCurrency | null;
  minLines?: number;
  /** Include a point-in-time service line. */
  withService?: boolean;
  /** Discount the first (subscription) line by at least 15 % so allocation moves money to the other lines. */
  discountFirstLine?: boolean;
  /** Every line carries a line-level SSP. */
  lineSsp?: boolean;
  /** Add the product without a JPY SSP (P-131) as the last line; the order must be JPY. */
  withNoSspProduct?: boolean;
  /** A free (100 % discount) onboarding line. */
  freeService?: boolean;
  plan?: BillingPlan;
  startOnOrderDay?: boolean;
}

export interface OrderContext {
  readonly rng: SeededPrng;
  readonly customerPool: number;
  /** One byte per customer: has this customer ordered before? */
  readonly customersSeen: Uint8Array;
}

const CURRENCY_WEIGHTS: readonly (readonly [SampleCurrency, number])[] = [
  ['USD', 50],
  ['EUR', 22],
  ['GBP', 16],
  ['JPY', 12],
];
const PLANS: readonly (readonly [BillingPlan, number])[] = [
  ['annual_upfront', 60],
  ['quarterly_arrears', 18],
  ['monthly_arrears', 7],
  ['late_annual', 10],
  ['upfront_full', 5],
];
const SUBSCRIPTION_DISCOUNTS = [0, 0, 0, 5, 10, 10, 15, 20, 25, 30];
const SUPPORT_DISCOUNTS = [0, 0, 0, 0, 5, 10];
const SERVICE_DISCOUNTS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10];

const PLATFORMS: readonly (readonly [Product, number])[] = [
  [productById('P-100'), 45],
  [productById('P-101'), 40],
  [productById('P-102'), 15],
];
const SUPPORTS: readonly (readonly [Product, number])[] = [
  [productById('P-120'), 70],
  [productById('P-121'), 30],
];
const ADDONS = productsOfKind('addon');
const SERVICES = productsOfKind('service');
/** Usage products with a seed SSP in the currency (so random orders never hit MISSING_SSP by accident). */
const USAGE_BY_CURRENCY: Readonly<Record<SampleCurrency, readonly Product[]>> = {
  USD: usageIn('USD'),
  EUR: usageIn('EUR'),
  GBP: usageIn('GBP'),
  JPY: usageIn('JPY'),
};

function usageIn(currency: SampleCurrency): readonly Product[] {
  return productsOfKind('usage').filter((p) => p.ssp.some((r) => r.currency === currency));
}

/** Lines per order: 1–4, mean 2.17 (used to size runs driven by `orderLines`). */
export const LINE_COUNT_WEIGHTS: readonly (readonly [number, number])[] = [
  [1, 30],
  [2, 35],
  [3, 23],
  [4, 12],
];
export const MEAN_LINES_PER_ORDER = 2.17;

/** Builds sales order number `index` (0-based) dated `orderDay`, priced from the catalogue in force that day. */
export function buildOrder(ctx: OrderContext, index: number, orderDay: number, shape: OrderShape = {}): SalesOrder {
  const { rng } = ctx;
  const id = `SO-${String(index + 1).padStart(7, '0')}`;
  const currency = shape.currency ?? pickCurrency(rng, shape.avoidCurrency ?? null);
  const customer = rng.int(ctx.customerPool);
  const isNewCustomer = ctx.customersSeen[customer] === 0;
  ctx.customersSeen[customer] = 1;
  const termMonths = rng.weighted([
    [12, 60],
    [24, 25],
    [36, 15],
  ] as const);
  const years = BigInt(termMonths / 12);
  const start = shape.startOnOrderDay ? orderDay : serviceStart(rng, orderDay);
  const end = addMonths(start, termMonths) - 1;
  const plan = shape.plan ?? rng.weighted(PLANS);
  let lineCount = rng.weighted(LINE_COUNT_WEIGHTS);
  if (shape.minLines !== undefined) lineCount = Math.max(lineCount, shape.minLines);
  const lineSsp = shape.lineSsp === true || rng.chance(4);

  const kinds = chooseKinds(rng, lineCount, isNewCustomer, shape);
  const platform = rng.weighted(PLATFORMS);
  // Half small teams, a third mid-size, some large accounts.
  const [minSeats, maxSeats] = rng.weighted([
    [[5, 20], 50],
    [[21, 100], 35],
    [[101, 500], 15],
  ] as const);
  const seats = BigInt(rng.between(minSeats, maxSeats));
  const lines: OrderLine[] = [];
  const add = (
    product: Product,
    quantity: bigint,
    lineStart: number,
    lineEnd: number,
    discounts: readonly number[],
    minDiscount = 0,
  ): void => {
    const noSsp = product.id === NO_SSP_PRODUCT.productId && currency === NO_SSP_PRODUCT.currency;
    const list = noSsp ? NO_SSP_PRODUCT.listPrice : (sspOn(product, currency, orderDay) as bigint);
    const pct = Math.max(rng.pick(discounts), minDiscount);
    const sale = divRound(list * BigInt(100 - pct), 100n);
    const lineNo = lines.length + 1;
    lines.push({
      itemId: `${id}-${String(lineNo).padStart(2, '0')}`,
      product,
      quantity,
      listPrice: list,
      showListPrice: !rng.chance(5),
      salePrice: sale,
      lineSsp: lineSsp && !noSsp ? divRound(list * BigInt(rng.between(90, 110)), 100n) : undefined,
      start: lineStart,
      end: lineEnd,
      booking: quantity * sale,
    });
  };

  add(platform, seats * years, start, end, SUBSCRIPTION_DISCOUNTS, shape.discountFirstLine ? 15 : 0);
  for (const kind of kinds) {
    switch (kind) {
      case 'support':
        add(rng.weighted(SUPPORTS), years, start, end, SUPPORT_DISCOUNTS);
        break;
      case 'addon': {
        const units = BigInt(rng.between(Math.min(5, Number(seats)), Number(seats)));
        add(rng.pick(ADDONS), units * years, start, end, SUBSCRIPTION_DISCOUNTS);
        break;
      }
      case 'usage': {
        add(
          rng.pick(USAGE_BY_CURRENCY[currency]),
          BigInt(rng.between(1, 5)) * years,
          start,
          end,
          SUBSCRIPTION_DISCOUNTS,
        );
        break;
      }
      case 'service': {
        const service = rng.pick(SERVICES);
        const days = service.id === 'P-141' || service.id === 'P-143' ? 29 : 0;
        const quantity = service.id === 'P-142' ? BigInt(rng.between(1, 5)) : 1n;
        const free = shape.freeService === true || rng.chance(2);
        add(service, quantity, start, start + days, free ? [100] : SERVICE_DISCOUNTS);
        break;
      }
      case 'no_ssp':
        add(
          productById(NO_SSP_PRODUCT.productId),
          BigInt(rng.between(1, 3)) * years,
          start,
          end,
          SUBSCRIPTION_DISCOUNTS,
        );
        break;
      default:
        throw new Error(`Unexpected line kind ${String(kind)}`);
    }
  }

  return {
    id,
    customerId: `C${String(customer + 1).padStart(6, '0')}`,
    orderDay,
    routeDay: orderDay,
    currency,
    termMonths,
    plan,
    isNewCustomer,
    lines,
  };
}

type LineKind = Exclude<ProductKind, 'platform'> | 'no_ssp';

function chooseKinds(rng: SeededPrng, lineCount: number, isNew: boolean, shape: OrderShape): LineKind[] {
  const pool: LineKind[] = isNew ? ['service', 'support', 'addon', 'usage'] : ['support', 'addon', 'usage', 'service'];
  const chosen: LineKind[] = [];
  if (shape.withService) chosen.push(pool.splice(pool.indexOf('service'), 1)[0] as LineKind);
  const reserved = shape.withNoSspProduct ? 1 : 0;
  while (chosen.length + reserved < Math.min(lineCount, 4) - 1 && pool.length > 0) {
    // New customers usually buy onboarding first: take the head of the pool half of the time.
    const at = rng.chance(50) ? 0 : rng.int(pool.length);
    chosen.push(pool.splice(at, 1)[0] as LineKind);
  }
  if (shape.withNoSspProduct) chosen.push('no_ssp');
  return chosen;
}

function pickCurrency(rng: SeededPrng, avoid: SampleCurrency | null): SampleCurrency {
  return rng.weighted(avoid === null ? CURRENCY_WEIGHTS : CURRENCY_WEIGHTS.filter(([c]) => c !== avoid));
}

/** Mostly the order day, often the 1st of next month, sometimes a week or more later (billed before it starts). */
function serviceStart(rng: SeededPrng, orderDay: number): number {
  const r = rng.int(100);
  if (r < 55) return orderDay;
  if (r < 85) {
    const { year, month, day } = civilFromDays(orderDay);
    return day === 1 ? orderDay : daysFromCivil(year, month, 1) + daysInMonth(year, month);
  }
  return orderDay + rng.between(7, 45);
}
