import { quoteIdent } from '../../compile/node-ids.js';
import { minorToText } from '../export-select.js';

/** The rounding columns' precision: `txn × rate` is not always a finite decimal (an inverse rate is 1/Rate). */
export const ROUNDING_SCALE = 12;

/** 10^e as HUGEINT for an SQL integer expression 0 ≤ e ≤ 20. */
function pow10(exponent: string): string {
  const list = Array.from({ length: 21 }, (_, i) => `'1${'0'.repeat(i)}'`).join(', ');
  return `CAST([${list}][(${exponent}) + 1] AS HUGEINT)`;
}

/**
 * `txn × rate` at 12 decimals of the home currency's major unit, as a HUGEINT count of 10^-12, rounded half away from
 * zero at the 12th decimal. The rate is the exact fraction num/den already scaled for the minor units
 * (home_minor = txn_minor × num / den), so the product in 10^-12 units is txn_minor × num × 10^(12 − home_mu) / den;
 * split into quotient and remainder so nothing overflows.
 */
function productAt12(txn: string, num: string, den: string, homeMu: string): string {
  const a = `(abs(CAST(${txn} AS HUGEINT)) * CAST(${num} AS HUGEINT))`;
  const d = `CAST(${den} AS HUGEINT)`;
  const k = pow10(`${ROUNDING_SCALE} - ${homeMu}`);
  return `(sign(${txn}) * ((${a} // ${d}) * ${k} + ((${a} % ${d}) * ${k} * 2 + ${d}) // (2 * ${d})))`;
}

/** A HUGEINT count of 10^-12 as decimal text with exactly 12 decimals. */
function e12Text(expr: string): string {
  return `CAST(CAST(${expr} AS DECIMAL(38,0)) * CAST('0.${'0'.repeat(ROUNDING_SCALE - 1)}1' AS DECIMAL(${ROUNDING_SCALE + 1},${ROUNDING_SCALE})) AS VARCHAR)`;
}

/**
 * accounting.md: `Rounding = txn × rate − round(txn × rate)`, where round(txn × rate) is the home amount the books
 * report. Exact to 12 decimals (documented); empty without a rate.
 */
export function roundingText(txn: string, home: string, num: string, den: string, homeMu: string): string {
  return `CASE WHEN ${num} IS NULL OR ${txn} IS NULL OR ${home} IS NULL THEN NULL ELSE ${e12Text(
    `${productAt12(txn, num, den, homeMu)} - CAST(${home} AS HUGEINT) * ${pow10(`${ROUNDING_SCALE} - ${homeMu}`)}`,
  )} END`;
}

/** The contract rate (1 transaction unit = rate home units) with up to 12 decimals, trailing zeros dropped. */
export function rateText(num: string, den: string, txnMu: string, homeMu: string): string {
  const scaled = `((CAST(${num} AS HUGEINT) * ${pow10(`${ROUNDING_SCALE} + ${txnMu} - ${homeMu}`)} * 2 + CAST(${den} AS HUGEINT)) // (2 * CAST(${den} AS HUGEINT)))`;
  return `CASE WHEN ${num} IS NULL THEN NULL ELSE rtrim(rtrim(${e12Text(scaled)}, '0'), '.') END`;
}

/** Minor units as text with the currency's decimals, empty for NULL. */
export function amountText(minor: string, minorUnit: string): string {
  return `CASE WHEN ${minor} IS NULL THEN NULL ELSE ${minorToText(minor, minorUnit)} END`;
}

/** `"name"` for a generated column. */
export function ident(name: string): string {
  return quoteIdent(name);
}
