import { describe, expect, it } from 'vitest';
import { ResourceSampler } from '../../../bench/support/resource-sampler.js';

/** The e2e bench's CPU time per step: sampled every 100 ms, read exactly at the close's phase boundaries. */
describe('ResourceSampler.cpuMsBetween', () => {
  it('takes the CPU time at the latest reading at or before each end of the window, and the kernel part apart', () => {
    const sampler = new ResourceSampler(undefined); // not started: only the readings below
    sampler.reading(10, { user: 1_000, system: 500 });
    sampler.reading(20, { user: 5_000, system: 1_500 });
    sampler.reading(30, { user: 9_000, system: 4_500 });
    expect(sampler.cpuMsBetween(10, 20)).toBe(5); // (5,000 + 1,500) − (1,000 + 500) µs
    expect(sampler.cpuMsBetween(10, 20, 'sys')).toBe(1);
    expect(sampler.cpuMsBetween(15, 30)).toBe(12); // 15 falls back on the reading at 10
    expect(sampler.cpuMsBetween(20, 25)).toBe(0);
  });
});
