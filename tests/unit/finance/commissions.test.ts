import { expect, test } from 'vitest';
import { amortizedThrough, capitalizedThrough, commissionFraction, qualifiesForExpedient } from '../../../src/finance/commissions.js';
import { addPeriods, toEpochDay } from '../../../src/finance/periods.js';
import type { CommissionTerms } from '../../../src/finance/commissions.js';

const schedule = { method: 'ratable_daily' as const, startDay: toEpochDay('2019-01-01'), endDay: toEpochDay('2019-12-31'), bookedPeriod: 201901 };

test('amortization follows the line schedule from the commission period, with catch-up', () => {
  const terms: CommissionTerms = { commissionPeriod: 201903, schedule, expenseAtOnce: false };
  const monthly = Array.from({ length: 12 }, (_, i) => {
    const p = addPeriods(201901, i);
    return amortizedThrough(36500n, terms, p) - amortizedThrough(36500n, terms, addPeriods(p, -1));
  });
  expect(monthly).toEqual([0n, 0n, 9000n, 3000n, 3100n, 3000n, 3100n, 3100n, 3000n, 3100n, 3000n, 3100n]);
  expect(monthly.reduce((a, b) => a + b, 0n)).toBe(36500n);
  expect(capitalizedThrough(36500n, 201903, 201902)).toBe(0n);
  expect(capitalizedThrough(36500n, 201903, 201903)).toBe(36500n);
});

test('never before the line is booked', () => {
  const terms: CommissionTerms = { commissionPeriod: 201901, schedule: { ...schedule, bookedPeriod: 201904 }, expenseAtOnce: false };
  expect(commissionFraction(terms, 201903)).toEqual({ num: 0n, den: 1n });
  expect(amortizedThrough(36500n, terms, 201904)).toBe(12000n);
});

test('expedient: expensed at once in the capitalization period', () => {
  const terms: CommissionTerms = { commissionPeriod: 201905, schedule, expenseAtOnce: true };
  expect(amortizedThrough(1000n, terms, 201904)).toBe(0n);
  expect(amortizedThrough(1000n, terms, 201905)).toBe(1000n);
  expect(qualifiesForExpedient(1200n)).toBe(true);
  expect(qualifiesForExpedient(1201n)).toBe(false);
});
