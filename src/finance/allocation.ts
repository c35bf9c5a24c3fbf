/**
 * Relative standalone-selling-price allocation by largest remainder (spec "Allocation"): floor every share, then
 * give one minor unit each to the largest fractional remainders, ties by `Sales_Order_Item_Id` ascending. The
 * result always sums exactly to the total.
 */
import type { ScaledDecimal } from './money.js';
import { floorDiv, rescale } from './money.js';

/** One share-holder: its id (for tie-breaks) and its weight, all weights at one common scale. */
export interface WeightedItem {
  readonly id: string;
  readonly weight: bigint;
}

/**
 * Compares ids by Unicode code point, which is the order of their UTF-8 bytes (DuckDB's `ORDER BY` on VARCHAR),
 * unlike JS `<`, which compares UTF-16 code units and differs above U+FFFF.
 */
export function compareIds(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++; // skip the low surrogate of an astral character
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Splits `total` minor units over `items` in proportion to their weights, by largest remainder. A negative total
 * is allocated as `|total|` and the sign kept. Throws when the weights sum to 0 (the caller decides what then).
 * Returns the shares in input order.
 */
export function allocateLargestRemainder(total: bigint, items: readonly WeightedItem[]): bigint[] {
  let weightSum = 0n;
  for (const item of items) weightSum += item.weight;
  if (weightSum === 0n) throw new RangeError('allocateLargestRemainder: the weights sum to 0');
  const sign = total < 0n ? -1n : 1n;
  const magnitude = total * sign;
  // Work with a positive denominator; remainders then all share it, so comparing numerators is exact.
  const den = weightSum < 0n ? -weightSum : weightSum;
  const direction = weightSum < 0n ? -1n : 1n;
  const shares: bigint[] = [];
  const remainders: bigint[] = [];
  let floored = 0n;
  for (const item of items) {
    const num = magnitude * item.weight * direction;
    const share = floorDiv(num, den);
    shares.push(share);
    remainders.push(num - share * den);
    floored += share;
  }
  let extra = magnitude - floored; // = Σ remainders / den, an integer in [0, n)
  if (extra > 0n) {
    const order = items.map((_, i) => i);
    order.sort((i, j) => {
      const ri = remainders[i] as bigint;
      const rj = remainders[j] as bigint;
      if (ri !== rj) return ri > rj ? -1 : 1;
      return compareIds((items[i] as WeightedItem).id, (items[j] as WeightedItem).id);
    });
    for (const index of order) {
      if (extra === 0n) break;
      shares[index] = (shares[index] as bigint) + 1n;
      extra -= 1n;
    }
  }
  return shares.map((share) => share * sign);
}

/** A sales order item as allocation sees it. */
export interface SspLine {
  /** `Sales_Order_Item_Id`, the tie-break key. */
  readonly id: string;
  /** `round(Quantity × Sale_Price)` in minor units. */
  readonly booking: bigint;
  /** Extended SSP `Quantity × SSP`, exact. */
  readonly extendedSsp: ScaledDecimal;
}

/**
 * Allocated amount of every line of one sales order (input order): `TP = Σ booking` spread by `e_i / Σe`; when
 * `Σe = 0` each line keeps its booking. `Carve = Allocated − booking` is left to the caller.
 */
export function allocateBySsp(lines: readonly SspLine[]): bigint[] {
  let total = 0n;
  let scale = 0;
  for (const line of lines) {
    total += line.booking;
    scale = Math.max(scale, line.extendedSsp.scale);
  }
  const items = lines.map((line) => ({ id: line.id, weight: rescale(line.extendedSsp, scale) }));
  const weightSum = items.reduce((sum, item) => sum + item.weight, 0n);
  if (weightSum === 0n) return lines.map((line) => line.booking);
  return allocateLargestRemainder(total, items);
}
