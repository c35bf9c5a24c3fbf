import { describe, expect, test } from 'vitest';
import { allocateBySsp, allocateLargestRemainder, compareIds } from '../../../src/finance/allocation.js';
import { decimal } from '../../../src/finance/money.js';

describe('allocateLargestRemainder', () => {
  test('price 80.00 over SSPs 20/30/40 → 17.78 / 26.67 / 35.55', () => {
    const items = [
      { id: 'a', weight: 20n },
      { id: 'b', weight: 30n },
      { id: 'c', weight: 40n },
    ];
    expect(allocateLargestRemainder(8000n, items)).toEqual([1778n, 2667n, 3555n]);
  });
  test('negative total: allocate |TP| and keep the sign', () => {
    const items = [
      { id: 'a', weight: 20n },
      { id: 'b', weight: 30n },
      { id: 'c', weight: 40n },
    ];
    expect(allocateLargestRemainder(-8000n, items)).toEqual([-1778n, -2667n, -3555n]);
  });
  test('ties go to the smaller id, whatever the input order', () => {
    const items = [
      { id: 'z', weight: 1n },
      { id: 'b', weight: 1n },
      { id: 'm', weight: 1n },
    ];
    expect(allocateLargestRemainder(100n, items)).toEqual([33n, 34n, 33n]);
    expect(allocateLargestRemainder(101n, items)).toEqual([33n, 34n, 34n]);
  });
  test('sums to the total for any weights, signs included', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 500; round++) {
      const n = 1 + (next() % 6);
      const items = Array.from({ length: n }, (_, i) => ({ id: `i${i}`, weight: BigInt((next() % 2001) - 500) }));
      if (items.reduce((s, it) => s + it.weight, 0n) === 0n) continue;
      const total = BigInt((next() % 2_000_001) - 1_000_000);
      const shares = allocateLargestRemainder(total, items);
      expect(shares.reduce((s, v) => s + v, 0n)).toBe(total);
    }
  });
  test('zero weights throw (the caller keeps bookings)', () => {
    expect(() => allocateLargestRemainder(100n, [{ id: 'a', weight: 0n }])).toThrow(RangeError);
  });
});

describe('allocateBySsp', () => {
  test('decimal weights at mixed scales', () => {
    const lines = [
      { id: '1', booking: 5000n, extendedSsp: decimal('20') },
      { id: '2', booking: 3000n, extendedSsp: decimal('30.0') },
      { id: '3', booking: 0n, extendedSsp: decimal('40.000') },
    ];
    expect(allocateBySsp(lines)).toEqual([1778n, 2667n, 3555n]);
  });
  test('Σe = 0 keeps the bookings', () => {
    const lines = [
      { id: '1', booking: 5000n, extendedSsp: decimal('0') },
      { id: '2', booking: 3000n, extendedSsp: decimal('0.00') },
    ];
    expect(allocateBySsp(lines)).toEqual([5000n, 3000n]);
  });
  test('an SSP of 0 gets nothing when others have SSP', () => {
    const lines = [
      { id: '1', booking: 5000n, extendedSsp: decimal('0') },
      { id: '2', booking: 3000n, extendedSsp: decimal('10') },
    ];
    expect(allocateBySsp(lines)).toEqual([0n, 8000n]);
  });
});

test('compareIds orders by code point (UTF-8 byte order)', () => {
  expect(compareIds('a', 'b')).toBe(-1);
  expect(compareIds('ab', 'a')).toBe(1);
  expect(compareIds('x', 'x')).toBe(0);
  // U+FF5E (BMP, high) sorts before U+1F600 (astral) by code point, but after it by UTF-16 unit.
  expect(compareIds('\uff5e', '\u{1f600}')).toBe(-1);
  expect('\uff5e' < '\u{1f600}').toBe(false);
});
