import { describe, expect, test } from 'vitest';
import {
  addMonthsClamped,
  addPeriods,
  civilToEpochDay,
  daysInclusive,
  firstDay,
  fromEpochDay,
  lastDay,
  parseIsoDate,
  periodOf,
  periodsBetween,
  toEpochDay,
} from '../../../src/finance/periods.js';

describe('epoch days', () => {
  test('known anchors', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(toEpochDay('2000-03-01')).toBe(11017);
    expect(toEpochDay('1969-12-31')).toBe(-1);
    expect(toEpochDay('2024-02-29')).toBe(19782);
  });
  test('round-trips every day of 1899..2101 in order', () => {
    let previous = civilToEpochDay(1899, 1, 1) - 1;
    for (let day = previous + 1; day < civilToEpochDay(2101, 12, 31); day++) {
      const iso = fromEpochDay(day);
      expect(toEpochDay(iso)).toBe(day);
      expect(day).toBe(previous + 1);
      previous = day;
    }
  });
  test('agrees with UTC Date arithmetic', () => {
    for (let day = -40000; day < 60000; day += 997) {
      expect(fromEpochDay(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });
});

test('parseIsoDate is strict', () => {
  expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  for (const bad of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '24-01-01', '2024-01-01T00:00', '1900-02-29']) {
    expect(parseIsoDate(bad)).toBeUndefined();
  }
  expect(() => toEpochDay('2024-02-30')).toThrow(/not a real date/);
});

test('periods', () => {
  expect(periodOf('2024-01-31')).toBe(202401);
  expect(addPeriods(202412, 1)).toBe(202501);
  expect(addPeriods(202501, -1)).toBe(202412);
  expect(addPeriods(202401, -25)).toBe(202112);
  expect(addPeriods(202401, 0)).toBe(202401);
  expect(periodsBetween(202311, 202402)).toBe(3);
  expect(firstDay(202402)).toBe('2024-02-01');
  expect(lastDay(202402)).toBe('2024-02-29');
  expect(lastDay(202302)).toBe('2023-02-28');
  expect(lastDay(202312)).toBe('2023-12-31');
});

test('daysInclusive and addMonthsClamped', () => {
  expect(daysInclusive('2019-01-01', '2019-12-31')).toBe(365);
  expect(daysInclusive('2024-06-15', '2024-10-12')).toBe(120);
  expect(daysInclusive('2024-06-15', '2024-06-15')).toBe(1);
  expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
  expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
  expect(addMonthsClamped('2024-01-31', 2)).toBe('2024-03-31');
  expect(addMonthsClamped('2024-03-31', -1)).toBe('2024-02-29');
  expect(addMonthsClamped('2024-11-15', 3)).toBe('2025-02-15');
});
