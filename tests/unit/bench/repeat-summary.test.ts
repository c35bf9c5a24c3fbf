import { describe, expect, it } from 'vitest';
import { median, ratio } from '../../../bench/support/bench-timing.js';
import { summarizeRuns } from '../../../bench/support/repeat-summary.js';

/** `npm run bench -- e2e --repeat N`: the per-step summary of N runs at one size. */
describe('summarizeRuns', () => {
  it('takes the median of each run’s own ratio, not the ratio of the medians', () => {
    // run 2 is slow on both sides (a slow phase of the machine): its ratio is 1.0 although both its times are high
    const runs = [
      { close: { ms: 1000, bare_ms: 800 } },
      { close: { ms: 2000, bare_ms: 2000 } },
      { close: { ms: 1100, bare_ms: 780 } },
    ];
    const s = summarizeRuns(['close'] as const, runs, 1.3);
    expect(s.close.ratios).toEqual([1.25, 1, 1.41]);
    expect(s.close.median_ratio).toBe(1.25);
    expect(s.close.median_ms).toBe(1100);
    expect(s.close.median_bare_ms).toBe(800);
    expect(s.close.runs_within).toBe(2);
  });

  it('names a step a run has no figures for', () => {
    expect(() => summarizeRuns(['build', 'close'] as const, [{ build: { ms: 1, bare_ms: 1 } } as never], 1.3)).toThrow(/step close/);
  });

  it('median: middle value, the mean of the middle two for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('ratio: two decimals, 0 when there is nothing to divide by', () => {
    expect(ratio(1100, 780)).toBe(1.41);
    expect(ratio(5, 0)).toBe(0);
  });
});
