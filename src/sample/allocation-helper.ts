/**
 * Relative-SSP allocation by largest remainder, exactly as accounting.md defines it, so the generator can write
 * general-import split parts that sum to a line's allocated amount. A local copy on purpose: `src/finance` owns the
 * engine's kernel and the sample must not depend on it (a test checks both agree once the kernel exists).
 */
export interface AllocationInput {
  /** `Sales_Order_Item_Id`: the tie-breaker, ascending. */
  readonly key: string;
  /** `round(Quantity × Sale_Price)` in minor units. */
  readonly booking: bigint;
  /** Extended SSP `Quantity × SSP`, at any fixed scale shared by all lines of the order. */
  readonly extendedSsp: bigint;
}

/**
 * `Allocated_i = TP × e_i / Σe` in minor units: floor every share, then one more unit to the largest fractional
 * remainders (ties by key ascending); a negative TP allocates |TP| and keeps the sign; `Σe = 0` keeps the bookings.
 * The result is in input order and always sums to TP.
 */
export function allocateByRelativeSsp(lines: readonly AllocationInput[]): bigint[] {
  const tp = lines.reduce((sum, l) => sum + l.booking, 0n);
  const sumE = lines.reduce((sum, l) => sum + l.extendedSsp, 0n);
  if (sumE === 0n) return lines.map((l) => l.booking);
  const negative = tp < 0n;
  const total = negative ? -tp : tp;
  const shares = lines.map((l, index) => {
    const product = total * l.extendedSsp;
    return { index, key: l.key, floor: product / sumE, remainder: product % sumE };
  });
  let left = total - shares.reduce((sum, s) => sum + s.floor, 0n);
  const byRemainder = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? (x.key < y.key ? -1 : x.key > y.key ? 1 : 0) : x.remainder > y.remainder ? -1 : 1,
  );
  const result = shares.map((s) => s.floor);
  for (const s of byRemainder) {
    if (left === 0n) break;
    result[s.index] = (result[s.index] as bigint) + 1n;
    left -= 1n;
  }
  return negative ? result.map((v) => -v) : result;
}
