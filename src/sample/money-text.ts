/**
 * Exact decimal text from integer minor units. Amounts in the generated files are built as `bigint` minor units and
 * printed here, never through floating point, so `1234.50` is exactly what was meant and JPY has no decimals.
 */

/** `value / 10^scale` as plain decimal text: `formatScaled(-123456n, 2)` is `-1234.56`, scale 0 prints an integer. */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** `numerator / denominator` rounded half away from zero (the rounding rule of accounting.md). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new Error('Unexpected: divRound by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // Adding floor(d/2) before truncating rounds an exact half up (even d); an odd d has no exact half.
  const q = (n + d / 2n) / d;
  return negative ? -q : q;
}

/** `10n ** BigInt(exp)` with a tiny cache (scales are 0..8 here). */
export function pow10(exp: number): bigint {
  let cached = powers[exp];
  if (cached === undefined) {
    cached = 10n ** BigInt(exp);
    powers[exp] = cached;
  }
  return cached;
}

const powers: bigint[] = [];
