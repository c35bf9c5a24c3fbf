import { expect, test } from 'vitest';
import { durationHundredths, formatDuration, monthlyRecurringRevenue } from '../../../src/finance/duration.js';

test.each([
  ['2019-01-01', '2019-12-31', '12.00'],
  ['2024-06-15', '2024-10-12', '3.93'],
  ['2024-01-31', '2024-02-28', '1.00'], // Jan 31 + 1 month clamps to Feb 29 = end + 1 day
  ['2024-01-31', '2024-02-29', '1.03'], // +1 month = Feb 29 ≤ Mar 1, 1 day left over February's 29
  ['2024-01-15', '2024-01-15', '0.03'],
  ['2024-02-01', '2024-02-29', '1.00'],
  ['2023-02-01', '2024-01-31', '12.00'],
  ['2024-03-31', '2024-04-29', '1.00'], // Mar 31 + 1 month clamps to Apr 30 = end + 1 day
  ['2024-03-31', '2024-04-28', '0.94'], // 29 days over March's 31
])('Duration %s..%s = %s', (start, end, expected) => {
  expect(formatDuration(durationHundredths(start, end))).toBe(expected);
});

test('MRR divides by the two-decimal Duration, at least one month', () => {
  expect(monthlyRecurringRevenue(36500n, 1200n, 'ratable_daily')).toBe(3042n);
  expect(monthlyRecurringRevenue(12000n, 393n, 'ratable_daily')).toBe(3053n); // 120 / 3.93 = 30.534…
  expect(monthlyRecurringRevenue(12000n, 50n, 'ratable_daily')).toBe(12000n);
  expect(monthlyRecurringRevenue(-12000n, 393n, 'ratable_daily')).toBe(-3053n);
  expect(monthlyRecurringRevenue(12000n, 393n, 'point_in_time')).toBe(0n);
});
