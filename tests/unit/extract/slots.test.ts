import { describe, expect, it } from 'vitest';

import { Slots } from '../../../src/extract/slots.js';

describe('Slots', () => {
  it('lets at most `size` holders in at once and grants the others in the order they asked', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    b();
    b(); // a second call to the same release gives nothing back twice
    const releaseC = await c;
    expect(order).toEqual(['c']);
    a();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    // All free again: two acquire at once without waiting.
    const [e, f] = await Promise.all([slots.acquire(), slots.acquire()]);
    e();
    f();
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new Slots(0)).toThrow(RangeError);
    expect(() => new Slots(1.5)).toThrow(RangeError);
  });
});
