import { daysFromCivil } from './civil-date.js';

/**
 * The sample catalogue: the single source of `seeds/products.csv` (a unit test checks the seed file matches it), so
 * the generator prices orders and computes allocations from exactly the SSPs the engine will read.
 *
 * Units: subscriptions and add-ons are priced per unit-year (a 25-seat, 3-year line has Quantity 75); support per
 * year; services (`point_in_time`) per engagement or per day. That keeps the relative-SSP allocation meaningful for
 * 12-, 24- and 36-month lines alike.
 */
export type RecognitionMethod = 'ratable_daily' | 'point_in_time';

/** The demo's currencies (ISO 4217 minor units, as in `seeds/currencies.csv`). */
export const SAMPLE_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY'] as const;
export type SampleCurrency = (typeof SAMPLE_CURRENCIES)[number];

export const MINOR_UNITS: Readonly<Record<SampleCurrency, number>> = { USD: 2, EUR: 2, GBP: 2, JPY: 0 };

/** What a product is, for the generator's choice of lines. */
export type ProductKind = 'platform' | 'addon' | 'usage' | 'support' | 'service';

export interface SspRow {
  readonly currency: SampleCurrency;
  /** Minor units of `currency`. */
  readonly ssp: bigint;
  /** `YYYY-MM-DD` */
  readonly effectiveFrom: string;
}

export interface Product {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly method: RecognitionMethod;
  readonly kind: ProductKind;
  /** Sorted by currency then effective date. */
  readonly ssp: readonly SspRow[];
}

/** Every product has an SSP in force from this day on (the generator refuses earlier windows). */
export const CATALOGUE_START = '2020-01-01';
const BASE = CATALOGUE_START;

/** `[USD, EUR, GBP, JPY]` SSPs in minor units (`null`: no SSP in that currency). */
type Prices = readonly [bigint, bigint, bigint, bigint | null];

function product(
  id: string,
  code: string,
  name: string,
  method: RecognitionMethod,
  kind: ProductKind,
  base: Prices,
  changes: readonly { from: string; prices: Partial<Record<SampleCurrency, bigint>> }[] = [],
): Product {
  const rows: SspRow[] = [];
  SAMPLE_CURRENCIES.forEach((currency, i) => {
    const price = base[i];
    if (price === null || price === undefined) return;
    rows.push({ currency, ssp: price, effectiveFrom: BASE });
    for (const change of changes) {
      const changed = change.prices[currency];
      if (changed !== undefined) rows.push({ currency, ssp: changed, effectiveFrom: change.from });
    }
  });
  return { id, code, name, method, kind, ssp: rows };
}

export const PRODUCTS: readonly Product[] = [
  product('P-100', 'PLT-STD', 'Platform Standard (per seat-year)', 'ratable_daily', 'platform', [
    36000n,
    33000n,
    28500n,
    54000n,
  ]),
  product(
    'P-101',
    'PLT-PRO',
    'Platform Professional (per seat-year)',
    'ratable_daily',
    'platform',
    [72000n, 66000n, 57000n, 108000n],
    [{ from: '2025-01-01', prices: { USD: 78000n, EUR: 72000n, GBP: 61500n, JPY: 117000n } }],
  ),
  product(
    'P-102',
    'PLT-ENT',
    'Platform Enterprise (per seat-year)',
    'ratable_daily',
    'platform',
    [150000n, 138000n, 119000n, 225000n],
    [{ from: '2024-07-01', prices: { USD: 162000n, EUR: 149000n } }],
  ),
  product('P-110', 'ANL-ADD', 'Analytics Add-on (per seat-year)', 'ratable_daily', 'addon', [
    24000n,
    22000n,
    19000n,
    36000n,
  ]),
  product('P-111', 'SSO-ADD', 'Single Sign-On Add-on (per seat-year)', 'ratable_daily', 'addon', [
    6000n,
    5500n,
    4800n,
    9000n,
  ]),
  product('P-112', 'STO-1TB', 'Extra Storage 1 TB (per year)', 'ratable_daily', 'usage', [
    120000n,
    110000n,
    95000n,
    180000n,
  ]),
  product('P-113', 'SBX-ENV', 'Sandbox Environment (per year)', 'ratable_daily', 'usage', [
    300000n,
    275000n,
    240000n,
    450000n,
  ]),
  product('P-120', 'SUP-STD', 'Standard Support (per year)', 'ratable_daily', 'support', [
    240000n,
    220000n,
    190000n,
    360000n,
  ]),
  product(
    'P-121',
    'SUP-PRM',
    'Premium Support (per year)',
    'ratable_daily',
    'support',
    [960000n, 880000n, 760000n, 1440000n],
    [{ from: '2025-01-01', prices: { USD: 1020000n, EUR: 935000n, GBP: 810000n, JPY: 1530000n } }],
  ),
  product('P-130', 'API-10M', 'API Calls Pack 10M (committed usage, per year)', 'ratable_daily', 'usage', [
    500000n,
    460000n,
    395000n,
    750000n,
  ]),
  // Deliberately no JPY SSP: a multi-line JPY order with this product and no line SSP is MISSING_SSP.
  product('P-131', 'MSG-100K', 'Messaging Credits 100k (committed usage, per year)', 'ratable_daily', 'usage', [
    180000n,
    165000n,
    142000n,
    null,
  ]),
  product('P-140', 'ONB-STD', 'Onboarding Package', 'point_in_time', 'service', [250000n, 230000n, 199000n, 375000n]),
  product('P-141', 'IMP-PRO', 'Implementation Services', 'point_in_time', 'service', [
    1500000n,
    1380000n,
    1190000n,
    2250000n,
  ]),
  product('P-142', 'TRN-DAY', 'Training, per day', 'point_in_time', 'service', [180000n, 165000n, 142000n, 270000n]),
  product('P-143', 'MIG-DAT', 'Data Migration', 'point_in_time', 'service', [600000n, 550000n, 475000n, 900000n]),
];

/** The product without an SSP in one currency, and that currency (for the MISSING_SSP cases). */
export const NO_SSP_PRODUCT = { productId: 'P-131', currency: 'JPY' as SampleCurrency, listPrice: 270000n };

const byId = new Map(PRODUCTS.map((p) => [p.id, p]));

/** A product by id (throws on an unknown id: a bug in the generator). */
export function productById(id: string): Product {
  const p = byId.get(id);
  if (!p) throw new Error(`Unexpected: unknown sample product ${id}`);
  return p;
}

/**
 * The seed SSP of `product` in `currency` in force on `orderDay` (latest `Effective_From` on or before it), in minor
 * units, or undefined when there is none: the lookup rule of accounting.md.
 */
export function sspOn(product: Product, currency: SampleCurrency, orderDay: number): bigint | undefined {
  let found: bigint | undefined;
  let foundFrom = -Infinity;
  for (const row of product.ssp) {
    if (row.currency !== currency) continue;
    const from = effectiveDay(row.effectiveFrom);
    if (from <= orderDay && from > foundFrom) {
      found = row.ssp;
      foundFrom = from;
    }
  }
  return found;
}

const effectiveDays = new Map<string, number>();
function effectiveDay(text: string): number {
  let d = effectiveDays.get(text);
  if (d === undefined) {
    d = daysFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)));
    effectiveDays.set(text, d);
  }
  return d;
}

/** Products of one kind, in catalogue order. */
export function productsOfKind(kind: ProductKind): readonly Product[] {
  return PRODUCTS.filter((p) => p.kind === kind);
}
