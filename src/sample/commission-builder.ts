import { divRound, pow10 } from './money-text.js';
import { MINOR_UNITS, type SampleCurrency } from './product-catalogue.js';
import type { CommissionRecord, SalesOrder } from './sample-model.js';
import type { SeededPrng } from './seeded-prng.js';

/** Rough USD value of one unit ×1e6, only to size a commission paid in another currency than the order's. */
const APPROX_USD_MICROS: Readonly<Record<SampleCurrency, bigint>> = {
  USD: 1_000_000n,
  EUR: 1_085_000n,
  GBP: 1_270_000n,
  JPY: 6_700n,
};

export interface CommissionContext {
  readonly rng: SeededPrng;
  readonly home: SampleCurrency;
  readonly lastDay: number;
  nextId: number;
}

/**
 * Commissions for about half of the orders: 8–12 % of the first good line's booking (`New Business` for a new
 * customer, else `Renewal` or `Expansion`), sometimes a `SPIFF` on a second line; mostly in the order's currency,
 * some converted to the home currency (or, for home-currency orders, paid in EUR) so FX applies to expenses too.
 */
export function buildCommissions(ctx: CommissionContext, order: SalesOrder, force = false): CommissionRecord[] {
  const { rng } = ctx;
  if (order.wholeOrder !== undefined || !(force || rng.chance(50))) return [];
  const good = order.lines.filter((l) => l.defect === undefined && l.booking > 0n);
  const first = good[0];
  if (!first) return [];
  const className = order.isNewCustomer ? 'New Business' : rng.chance(60) ? 'Renewal' : 'Expansion';
  const result: CommissionRecord[] = [];
  const make = (lineIndex: number, pct: number, cls: string): void => {
    const line = good[lineIndex];
    if (!line) return;
    let currency = order.currency;
    if (order.currency !== ctx.home ? rng.chance(20) : rng.chance(10))
      currency = order.currency !== ctx.home ? ctx.home : ctx.home === 'EUR' ? 'USD' : 'EUR';
    const inOrderCurrency = divRound(line.booking * BigInt(pct), 100n);
    const amount = convert(inOrderCurrency, order.currency, currency);
    if (amount <= 0n) return;
    ctx.nextId += 1;
    result.push({
      id: `COM-${String(ctx.nextId).padStart(7, '0')}`,
      orderId: order.id,
      itemId: line.itemId,
      day: Math.min(order.orderDay + rng.between(0, 20), ctx.lastDay),
      amount,
      currency,
      className: cls,
    });
  };
  make(0, rng.between(8, 12), className);
  if (rng.chance(25)) make(1, rng.between(2, 4), 'SPIFF');
  return result;
}

/** Converts minor units between the sample currencies at the rough levels above (only to size amounts). */
export function convert(amount: bigint, from: SampleCurrency, to: SampleCurrency): bigint {
  if (from === to) return amount;
  const numerator = amount * APPROX_USD_MICROS[from] * pow10(MINOR_UNITS[to]);
  const denominator = APPROX_USD_MICROS[to] * pow10(MINOR_UNITS[from]);
  return divRound(numerator, denominator);
}
