/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) so that the sample company is the same,
 * byte for byte, for the same options. Never `Math.random`: a run must be reproducible from its seed alone.
 */
export class SeededPrng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any number or string; strings are hashed (FNV-1a), numbers used as their low 32 bits. */
  constructor(seed: number | string, stream = '') {
    let state = hashSeed(`${typeof seed === 'number' ? `n${seed >>> 0}` : `s${seed}`}/${stream}`);
    const next = (): number => {
      // splitmix32: spreads one 32-bit state into well-mixed words for sfc32.
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A number in `[0, 1)` (for callers that scale it themselves; amounts never come from it). */
  fraction(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in `[0, n)`; `n` must be a positive integer below 2^32. */
  int(n: number): number {
    return Math.floor((this.nextU32() * n) / 4294967296);
  }

  /** An integer in `[lo, hi]` (both inclusive). */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `percent` / 100 (integer percent keeps the draw exact). */
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** One element by integer weights (`[[value, weight], ...]`). */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.int(total);
    for (const [value, w] of choices) {
      if (r < w) return value;
      r -= w;
    }
    throw new Error('Unexpected: weighted() fell through its choices');
  }
}

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit hash for string seeds. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
