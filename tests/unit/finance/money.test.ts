import { describe, expect, test } from 'vitest';
import {
  decimal,
  decimalToMinor,
  floorDiv,
  formatMinor,
  formatRational,
  multiplyDecimals,
  parseDecimal,
  roundHalfAwayFromZero,
  toMinorUnits,
} from '../../../src/finance/money.js';

describe('roundHalfAwayFromZero', () => {
  test.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [7n, 3n, 2n],
    [-7n, 3n, -2n],
    [8n, 3n, 3n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
    [0n, 7n, 0n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [135484_5n, 10n, 135485n],
  ])('%s / %s → %s', (num, den, expected) => {
    expect(roundHalfAwayFromZero(num, den)).toBe(expected);
  });
  test('division by zero throws', () => {
    expect(() => roundHalfAwayFromZero(1n, 0n)).toThrow(RangeError);
  });
});

test('floorDiv floors for every sign', () => {
  expect(floorDiv(7n, 2n)).toBe(3n);
  expect(floorDiv(-7n, 2n)).toBe(-4n);
  expect(floorDiv(7n, -2n)).toBe(-4n);
  expect(floorDiv(-7n, -2n)).toBe(3n);
  expect(floorDiv(-6n, 2n)).toBe(-3n);
});

describe('parseDecimal', () => {
  test('accepts the strict grammar and keeps the written scale', () => {
    expect(parseDecimal('120.00')).toEqual({ ok: true, units: 12000n, scale: 2 });
    expect(parseDecimal('-0.5')).toEqual({ ok: true, units: -5n, scale: 1 });
    expect(parseDecimal('5000')).toEqual({ ok: true, units: 5000n, scale: 0 });
    expect(parseDecimal('007.10')).toEqual({ ok: true, units: 710n, scale: 2 });
  });
  test.each(['(2)', '12,50', '1e3', '+5', '', '.5', '5.', ' 5', '5 ', '--1', '1.2.3', '١٢'])('refuses %j', (text) => {
    const result = parseDecimal(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('BAD_NUMBER');
  });
  test('refuses more decimals than allowed', () => {
    const result = parseDecimal('1.234', 2);
    expect(result).toMatchObject({ ok: false, code: 'TOO_MANY_DECIMALS' });
  });
});

test('toMinorUnits scales to the currency and refuses finer amounts', () => {
  expect(toMinorUnits('120', 2)).toEqual({ ok: true, minor: 12000n });
  expect(toMinorUnits('1.5', 3)).toEqual({ ok: true, minor: 1500n });
  expect(toMinorUnits('5000', 0)).toEqual({ ok: true, minor: 5000n });
  expect(toMinorUnits('1.5', 0)).toMatchObject({ ok: false, code: 'TOO_MANY_DECIMALS' });
  expect(toMinorUnits('1,5', 2)).toMatchObject({ ok: false, code: 'BAD_NUMBER' });
});

test('formatMinor writes exactly the minor-unit decimals', () => {
  expect(formatMinor(12000n, 2)).toBe('120.00');
  expect(formatMinor(5000n, 0)).toBe('5000');
  expect(formatMinor(-50n, 2)).toBe('-0.50');
  expect(formatMinor(-5n, 3)).toBe('-0.005');
  expect(formatMinor(0n, 2)).toBe('0.00');
  expect(formatMinor(123456789012345678901234567890n, 2)).toBe('1234567890123456789012345678.90');
});

test('decimal products round once at the minor unit', () => {
  // booking = round(Quantity × Sale_Price): 3 × 33.335 = 100.005 → 100.01
  expect(decimalToMinor(multiplyDecimals(decimal('3'), decimal('33.335')), 2)).toBe(10001n);
  expect(decimalToMinor(multiplyDecimals(decimal('-3'), decimal('33.335')), 2)).toBe(-10001n);
  expect(decimalToMinor(decimal('12.5'), 0)).toBe(13n);
  expect(decimalToMinor(decimal('12'), 3)).toBe(12000n);
});

test('formatRational rounds to the asked decimals', () => {
  expect(formatRational({ num: -1n, den: 200n }, 12)).toBe('-0.005000000000');
  expect(formatRational({ num: 1n, den: 3n }, 12)).toBe('0.333333333333');
  expect(formatRational({ num: 2n, den: 3n }, 2)).toBe('0.67');
});
