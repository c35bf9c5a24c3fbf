import { describe, expect, test } from 'vitest';
import { convert, FxRateTable, invert, roundingResidue } from '../../../src/finance/fx.js';
import { decimal, decimalToRational, formatRational } from '../../../src/finance/money.js';

const rate = (text: string) => decimalToRational(decimal(text));

describe('convert and rounding residue', () => {
  test('903.23 at rate 1.5 → 1354.85, rounding −0.005', () => {
    expect(convert(90323n, 2, rate('1.5'), 2)).toBe(135485n);
    const residue = roundingResidue(90323n, 2, rate('1.5'), 2);
    expect(formatRational(residue, 12)).toBe('-0.005000000000');
    expect(residue.num * 1000n).toBe(-5n * residue.den);
  });
  test('across minor units', () => {
    expect(convert(5000n, 0, rate('0.0067'), 2)).toBe(3350n); // 5000 JPY → 33.50 USD
    expect(convert(1n, 0, rate('0.0067'), 2)).toBe(1n); // 0.0067 → 0.01
    expect(convert(100n, 2, rate('150.5'), 0)).toBe(151n); // 1.00 USD → 150.5 → 151 JPY
    expect(convert(-100n, 2, rate('150.5'), 0)).toBe(-151n);
    expect(convert(1234n, 3, rate('2.65'), 2)).toBe(327n); // 1.234 BHD × 2.65 = 3.2701
  });
  test('inverse rates are exact', () => {
    const inverse = invert(rate('1.0845'));
    expect(inverse).toEqual({ num: 10000n, den: 10845n });
    expect(convert(10845n, 2, inverse, 2)).toBe(10000n);
    // 1.00 / 1.0845 = 0.922083909636… → 0.92
    expect(formatRational(roundingResidue(100n, 2, inverse, 2), 12)).toBe('0.002083909636');
  });
});

describe('FxRateTable', () => {
  const table = new FxRateTable([
    { from: 'EUR', to: 'USD', rateDate: '2024-01-10', rate: rate('1.10') },
    { from: 'usd', to: 'eur', rateDate: '2024-01-10', rate: rate('0.5') }, // same date: the direct row wins
    { from: 'USD', to: 'EUR', rateDate: '2024-01-12', rate: rate('0.8') }, // newer inverse beats older direct
    { from: 'GBP', to: 'USD', rateDate: '2024-01-01', rate: rate('1.25') },
    { from: 'JPY', to: 'USD', rateDate: '2024-01-05', rate: rate('0') }, // ignored
  ]);
  test('latest on or before, direct beats inverse on the same date', () => {
    expect(table.rateFor('EUR', 'USD', '2024-01-10', 3)).toMatchObject({ rate: rate('1.10'), inverse: false });
    expect(table.rateFor('EUR', 'USD', '2024-01-11', 3)).toMatchObject({ rate: rate('1.10') });
    expect(table.rateFor('EUR', 'USD', '2024-01-12', 3)).toMatchObject({ rate: { num: 10n, den: 8n }, inverse: true });
    expect(table.rateFor('EUR', 'USD', '2024-01-09', 3)).toBeUndefined();
  });
  test('a rate exactly max age old is valid, one day older is not', () => {
    expect(table.rateFor('GBP', 'USD', '2024-01-04', 3)).toMatchObject({ rate: rate('1.25') });
    expect(table.rateFor('GBP', 'USD', '2024-01-05', 3)).toBeUndefined();
    expect(table.rateFor('GBP', 'USD', '2024-01-05', 4)).toBeDefined();
  });
  test('no cross rates; same currency is 1; case-insensitive', () => {
    expect(table.rateFor('GBP', 'EUR', '2024-01-12', 3)).toBeUndefined();
    expect(table.rateFor('usd', 'USD', '2024-01-12', 3)).toMatchObject({ rate: { num: 1n, den: 1n } });
    expect(table.rateFor('eur', 'usd', '2024-01-10', 3)).toBeDefined();
    expect(table.rateFor('JPY', 'USD', '2024-01-05', 3)).toBeUndefined();
  });
});
