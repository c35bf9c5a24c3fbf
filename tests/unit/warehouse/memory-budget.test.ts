import { describe, expect, it } from 'vitest';

import { DUCKDB_SHARE, duckdbMemoryLimit, parseMemorySize } from '../../../src/warehouse/memory-budget.js';

describe('memory budget', () => {
  it('reads sizes as DuckDB writes them: KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024, any case', () => {
    expect(parseMemorySize('4GB')).toBe(4e9);
    expect(parseMemorySize('4 GiB')).toBe(4 * 1024 ** 3);
    expect(parseMemorySize('1.5gb')).toBe(1.5e9);
    expect(parseMemorySize('3500MB')).toBe(3.5e9);
    expect(parseMemorySize('1048576')).toBe(1024 ** 2);
    for (const bad of ['', '4 gigs', '-1GB', '0GB', '80%', 'GB']) expect(parseMemorySize(bad)).toBeUndefined();
  });

  it("gives DuckDB's buffer manager its share of the run's budget, in whole MiB", () => {
    expect(DUCKDB_SHARE).toBe(0.7);
    expect(duckdbMemoryLimit('4GB')).toBe('2670MiB'); // 2.8·10^9 bytes
    expect(duckdbMemoryLimit('4GiB')).toBe('2867MiB');
    expect(() => duckdbMemoryLimit('lots')).toThrow(/not validated/);
  });
});
