/**
 * Exact money arithmetic on integer minor units. Amounts are `bigint` (never a JS `number`), decimals from text
 * are parsed into a scaled `bigint`, and every rounding is half away from zero on an exact rational, as the
 * accounting spec ("Money and rounding") requires.
 */

/** A decimal held exactly: the value is `units / 10^scale`. */
export interface ScaledDecimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Why a decimal text was refused; `BAD_NUMBER` is the grammar, `TOO_MANY_DECIMALS` the scale limit. */
export interface DecimalParseFailure {
  readonly ok: false;
  readonly code: 'BAD_NUMBER' | 'TOO_MANY_DECIMALS';
  readonly message: string;
}

/** The outcome of {@link parseDecimal}: a value or a typed failure, never an exception. */
export type DecimalParseResult = ({ readonly ok: true } & ScaledDecimal) | DecimalParseFailure;

const DECIMAL_GRAMMAR = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `10^n` as a bigint, cached for the small exponents money uses. */
export function pow10(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pow10: exponent must be a non-negative integer, got ${n}`);
  return POW10[n] ?? 10n ** BigInt(n);
}
const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

/**
 * `num / den` rounded half away from zero to an integer, exactly. The sign of `den` may be negative.
 * Used for every `round(x)` of the spec: x is always an exact rational in minor units.
 */
export function roundHalfAwayFromZero(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('roundHalfAwayFromZero: division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const abs = negative ? -num : num;
  // floor(|x| + 1/2) = floor((2|num| + den) / 2den): exact, no intermediate rounding.
  const rounded = (2n * abs + den) / (2n * den);
  return negative ? -rounded : rounded;
}

/** `floor(num / den)` for any signs (bigint `/` truncates toward zero). */
export function floorDiv(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('floorDiv: division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  return num < 0n && q * den !== num ? q - 1n : q;
}

/**
 * Parses `-?digits[.digits]` (no sign `+`, no exponent, no thousands separator, no blanks) into a scaled bigint
 * keeping the scale as written (`"1.50"` → units 150, scale 2), refusing more than `maxScale` decimals.
 */
export function parseDecimal(text: string, maxScale: number = Number.MAX_SAFE_INTEGER): DecimalParseResult {
  const match = DECIMAL_GRAMMAR.exec(text);
  if (!match) {
    return { ok: false, code: 'BAD_NUMBER', message: `"${text}" is not a number of the form -?digits[.digits]` };
  }
  const fraction = match[3] ?? '';
  if (fraction.length > maxScale) {
    return {
      ok: false,
      code: 'TOO_MANY_DECIMALS',
      message: `"${text}" has ${fraction.length} decimals; at most ${maxScale} are allowed`,
    };
  }
  const magnitude = BigInt(`${match[2]}${fraction}`);
  return { ok: true, units: match[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

/** {@link parseDecimal} that throws a `RangeError` naming the text; for trusted inputs (seeds, tests). */
export function decimal(text: string): ScaledDecimal {
  const parsed = parseDecimal(text);
  if (!parsed.ok) throw new RangeError(parsed.message);
  return { units: parsed.units, scale: parsed.scale };
}

/** Re-expresses a decimal at a larger (or equal) scale without loss. */
export function rescale(value: ScaledDecimal, scale: number): bigint {
  if (scale < value.scale) throw new RangeError(`rescale: cannot lower scale ${value.scale} to ${scale} exactly`);
  return value.units * pow10(scale - value.scale);
}

/** The exact product of two decimals (scales add). */
export function multiplyDecimals(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** A decimal rounded half away from zero to `minorUnit` decimals, as minor units. */
export function decimalToMinor(value: ScaledDecimal, minorUnit: number): bigint {
  return value.scale <= minorUnit
    ? value.units * pow10(minorUnit - value.scale)
    : roundHalfAwayFromZero(value.units, pow10(value.scale - minorUnit));
}

/**
 * Amount text → minor units of a currency with `minorUnit` decimals, refusing more decimals than the currency has
 * (a billing, commission or general-import amount may not be finer than its currency).
 */
export function toMinorUnits(
  text: string,
  minorUnit: number,
): { ok: true; minor: bigint } | DecimalParseFailure {
  const parsed = parseDecimal(text, minorUnit);
  if (!parsed.ok) return parsed;
  return { ok: true, minor: parsed.units * pow10(minorUnit - parsed.scale) };
}

/** Minor units → text with exactly `minorUnit` decimals: `12000n,2` → `120.00`, `5000n,0` → `5000`, `-50n,2` → `-0.50`. */
export function formatMinor(minor: bigint, minorUnit: number): string {
  return formatScaled(minor, minorUnit);
}

/** `units / 10^scale` as text with exactly `scale` decimals. */
export function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** An exact rational `num / den`, `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** A decimal as a rational (`1.0845` → 10845/10000). */
export function decimalToRational(value: ScaledDecimal): Rational {
  return { num: value.units, den: pow10(value.scale) };
}

/** A rational rounded half away from zero to `scale` decimals, as text (`-1/200`, 12 → `-0.005000000000`). */
export function formatRational(value: Rational, scale: number): string {
  return formatScaled(roundHalfAwayFromZero(value.num * pow10(scale), value.den), scale);
}
