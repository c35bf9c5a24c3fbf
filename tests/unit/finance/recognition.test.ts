import { describe, expect, test } from 'vitest';
import { addPeriods, periodOf, toEpochDay } from '../../../src/finance/periods.js';
import type { RecognitionSchedule } from '../../../src/finance/recognition.js';
import {
  contraAmount,
  cumulativeDays,
  cumulativeRevenue,
  recognizedFraction,
} from '../../../src/finance/recognition.js';

function ratable(start: string, end: string, booked = start): RecognitionSchedule {
  return { method: 'ratable_daily', startDay: toEpochDay(start), endDay: toEpochDay(end), bookedPeriod: periodOf(booked) };
}

/** Per-period revenue from `first` for `n` periods with a constant price. */
function revenues(total: bigint, schedule: RecognitionSchedule, first: number, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const p = addPeriods(first, i);
    out.push(cumulativeRevenue(total, schedule, p) - cumulativeRevenue(total, schedule, addPeriods(p, -1)));
  }
  return out;
}

describe('worked examples', () => {
  test('365.00 over 2019: 31/28/31/30 …; unearned 334, 306, 275 after Jan–Mar when invoiced in January', () => {
    const schedule = ratable('2019-01-01', '2019-12-31');
    const monthly = revenues(36500n, schedule, 201901, 12);
    expect(monthly).toEqual([3100n, 2800n, 3100n, 3000n, 3100n, 3000n, 3100n, 3100n, 3000n, 3100n, 3000n, 3100n]);
    expect([201901, 201902, 201903].map((p) => 36500n - cumulativeRevenue(36500n, schedule, p))).toEqual([
      33400n,
      30600n,
      27500n,
    ]);
  });

  test('120.00 over 2024-06-15..2024-10-12: 16/31/31/30/12', () => {
    expect(revenues(12000n, ratable('2024-06-15', '2024-10-12'), 202406, 6)).toEqual([1600n, 3100n, 3100n, 3000n, 1200n, 0n]);
  });

  test('181.00 with CM 90.50 on 2019-02-01 cancelled 2019-05-03', () => {
    const schedule = ratable('2019-01-01', '2019-06-30');
    const price = (p: number) => (p >= 201902 && p < 201905 ? 9050n : 18100n);
    const rows = [201901, 201902, 201903, 201904, 201905, 201906].map((p) => {
      const previous = addPeriods(p, -1);
      const revenue = cumulativeRevenue(price(p), schedule, p) - cumulativeRevenue(price(previous), schedule, previous);
      const contra = contraAmount(price(p), price(previous), recognizedFraction(schedule, previous));
      return { revenue, contra, ordinary: revenue - contra };
    });
    expect(rows.map((r) => r.revenue)).toEqual([3100n, -150n, 1550n, 1500n, 9100n, 3000n]);
    expect(rows[1]).toEqual({ revenue: -150n, contra: -1550n, ordinary: 1400n });
    expect(rows[4]?.contra).toBe(6000n);
  });
});

describe('F(p)', () => {
  test('booking-period clamp catches up in the booking period', () => {
    const schedule = ratable('2024-01-01', '2024-12-31', '2024-03-10');
    expect(recognizedFraction(schedule, 202402)).toEqual({ num: 0n, den: 1n });
    expect(recognizedFraction(schedule, 202403)).toEqual({ num: 91n, den: 366n });
  });
  test('C(p) clamps to [0, D]', () => {
    const schedule = ratable('2024-06-15', '2024-10-12');
    expect(cumulativeDays(schedule, 202405)).toBe(0);
    expect(cumulativeDays(schedule, 202406)).toBe(16);
    expect(cumulativeDays(schedule, 202501)).toBe(120);
  });
  test('point_in_time is 1 from the period of the service start', () => {
    const schedule: RecognitionSchedule = {
      method: 'point_in_time',
      startDay: toEpochDay('2024-05-20'),
      endDay: toEpochDay('2025-05-19'),
      bookedPeriod: 202403,
    };
    expect(recognizedFraction(schedule, 202404)).toEqual({ num: 0n, den: 1n });
    expect(recognizedFraction(schedule, 202405)).toEqual({ num: 1n, den: 1n });
    expect(recognizedFraction({ ...schedule, bookedPeriod: 202407 }, 202406)).toEqual({ num: 0n, den: 1n });
  });
  test('an end before the start is refused', () => {
    expect(() => recognizedFraction(ratable('2024-02-01', '2024-01-31', '2024-01-01'), 202402)).toThrow(RangeError);
  });
});
