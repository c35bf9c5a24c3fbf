import { describe, expect, it } from 'vitest';
import { allocateByRelativeSsp } from '../../../src/sample/allocation-helper.js';
import {
  addMonths,
  civilFromDays,
  dayOfWeek,
  daysFromCivil,
  formatDay,
  isValidIsoDate,
  parsePeriod,
} from '../../../src/sample/civil-date.js';
import { divRound, formatScaled } from '../../../src/sample/money-text.js';
import { SeededPrng } from '../../../src/sample/seeded-prng.js';
import { csvField } from '../../../src/sample/csv-file-writer.js';
import { parseCsvLine } from '../../../src/sample/xlsx-packager.js';

describe('SeededPrng', () => {
  it('repeats its sequence for the same seed and stream, and differs otherwise', () => {
    const draw = (seed: number | string, stream = ''): number[] => {
      const rng = new SeededPrng(seed, stream);
      return Array.from({ length: 8 }, () => rng.nextU32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw('seven')).toEqual(draw('seven'));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, 'fx')).not.toEqual(draw(7, 'company'));
    expect(draw(7)).not.toEqual(draw('7'));
  });

  it('keeps int() in range and roughly uniform', () => {
    const rng = new SeededPrng(1);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const k = rng.int(4);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    for (const b of buckets) expect(b).toBeGreaterThan(800);
    for (let i = 0; i < 1000; i++) {
      const v = rng.between(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
    }
  });
});

describe('civil dates', () => {
  it('round-trips day numbers and knows the calendar', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(formatDay(daysFromCivil(2024, 2, 29))).toBe('2024-02-29');
    for (let d = daysFromCivil(1999, 12, 1); d < daysFromCivil(2031, 3, 1); d += 17) {
      const { year, month, day } = civilFromDays(d);
      expect(daysFromCivil(year, month, day)).toBe(d);
    }
    expect(dayOfWeek(daysFromCivil(2024, 1, 1))).toBe(1); // a Monday
    expect(formatDay(addMonths(daysFromCivil(2024, 1, 31), 1))).toBe('2024-02-29');
    expect(formatDay(addMonths(daysFromCivil(2024, 3, 31), -1))).toBe('2024-02-29');
    expect(formatDay(addMonths(daysFromCivil(2023, 11, 15), 14))).toBe('2025-01-15');
  });

  it('validates dates strictly', () => {
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2023-02-29')).toBe(false);
    expect(isValidIsoDate('2024-02-30')).toBe(false);
    expect(isValidIsoDate('2024/03/15')).toBe(false);
    expect(isValidIsoDate('2024-13-01')).toBe(false);
    expect(parsePeriod('202401')).toBe(daysFromCivil(2024, 1, 1));
    expect(parsePeriod('202413')).toBeUndefined();
  });
});

describe('money text', () => {
  it('prints minor units exactly', () => {
    expect(formatScaled(123456n, 2)).toBe('1234.56');
    expect(formatScaled(-5n, 2)).toBe('-0.05');
    expect(formatScaled(0n, 2)).toBe('0.00');
    expect(formatScaled(1500n, 0)).toBe('1500');
    expect(formatScaled(12345n, 3)).toBe('12.345');
    expect(formatScaled(10n ** 20n + 1n, 4)).toBe('10000000000000000.0001');
  });

  it('rounds half away from zero', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(divRound(5n, 3n)).toBe(2n);
    expect(divRound(-7n, 2n)).toBe(-4n);
    expect(divRound(7n, -2n)).toBe(-4n);
  });
});

describe('allocateByRelativeSsp', () => {
  it('spreads by largest remainder, ties by key, and sums to TP', () => {
    // TP 100.00 over three equal SSPs: 33.33 each, one cent left goes to the first key.
    const result = allocateByRelativeSsp([
      { key: 'B', booking: 5000n, extendedSsp: 1n },
      { key: 'A', booking: 3000n, extendedSsp: 1n },
      { key: 'C', booking: 2000n, extendedSsp: 1n },
    ]);
    expect(result).toEqual([3333n, 3334n, 3333n]);
    expect(result.reduce((s, v) => s + v, 0n)).toBe(10000n);
  });

  it('moves money to the line with the larger SSP, keeps a negative sign, and keeps bookings when Σe = 0', () => {
    expect(
      allocateByRelativeSsp([
        { key: 'a', booking: 9000n, extendedSsp: 1000n },
        { key: 'b', booking: 1000n, extendedSsp: 3000n },
      ]),
    ).toEqual([2500n, 7500n]);
    expect(
      allocateByRelativeSsp([
        { key: 'a', booking: -700n, extendedSsp: 1n },
        { key: 'b', booking: -300n, extendedSsp: 2n },
      ]),
    ).toEqual([-333n, -667n]);
    expect(
      allocateByRelativeSsp([
        { key: 'a', booking: 700n, extendedSsp: 0n },
        { key: 'b', booking: 300n, extendedSsp: 0n },
      ]),
    ).toEqual([700n, 300n]);
  });
});

describe('CSV fields', () => {
  it('quotes only when needed and parses back', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    const values = ['x', 'a,b', '', 'say "hi"', '12,50', ''];
    expect(parseCsvLine(values.map(csvField).join(','))).toEqual(values);
  });
});
