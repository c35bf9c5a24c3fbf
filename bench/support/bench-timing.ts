/** Milliseconds, rounded to 0.01, for figures that read well in JSON. */
export function ms(value: number): number {
  return round2(value);
}

/** Rounded to two decimals, as every figure of a benchmark's JSON line is. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `a / b` to two decimals, the form of every ratio a benchmark reports; 0 when there is nothing to divide by. */
export function ratio(a: number, b: number): number {
  return b > 0 ? round2(a / b) : 0;
}

/** The middle value of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `fn` `runs` times (after `warmup` untimed runs); returns every duration in ms and the best. */
export async function bestOf(runs: number, fn: () => Promise<unknown> | unknown, warmup = 0): Promise<{ best: number; median: number; all: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    all.push(performance.now() - t0);
  }
  return { best: ms(Math.min(...all)), median: ms(median(all)), all: all.map(ms) };
}

/** Peak resident set size of this process so far, in MiB (getrusage's ru_maxrss). */
export function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
