import { describe, expect, it } from 'vitest';

import { takingOrder } from '../../../src/extract/extract-source.js';
import { LoadOrder } from '../../../src/extract/load-order.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LoadOrder', () => {
  it('lets a later version land beside an earlier one but commit only after it', async () => {
    const order = new LoadOrder([1n, 2n], 2, 2);
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = order.land(1n, async (commitTurn) => {
      events.push('1 landing');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      await commitTurn();
      events.push('1 commit');
    });
    const second = order.land(2n, async (commitTurn) => {
      events.push('2 landing');
      await commitTurn();
      events.push('2 commit');
    });
    await tick();
    expect(events).toEqual(['1 landing', '2 landing']);
    finishFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['1 landing', '2 landing', '1 commit', '2 commit']);
  });

  it('with one lane, starts the landings in version order whoever asks first', async () => {
    const order = new LoadOrder([1n, 2n], 1, 2);
    const events: string[] = [];
    const second = order.land(2n, async (commitTurn) => {
      events.push('2 landing');
      await commitTurn();
    });
    await tick();
    expect(events).toEqual([]); // version 1 has not started: 2 must not take the only lane
    await order.land(1n, async (commitTurn) => {
      events.push('1 landing');
      await commitTurn();
    });
    await second;
    expect(events).toEqual(['1 landing', '2 landing']);
  });

  it('with a lane per worker, a later version starts landing before an earlier one has started, and commits after it', async () => {
    const order = new LoadOrder([1n, 2n], 2, 2);
    const events: string[] = [];
    let landedSecond!: () => void;
    const secondLanded = new Promise<void>((resolve) => (landedSecond = resolve));
    const second = order.land(2n, async (commitTurn) => {
      events.push('2 landing');
      landedSecond();
      await commitTurn();
      events.push('2 commit');
    });
    await secondLanded; // version 1 has not asked yet: the largest file went first
    const first = order.land(1n, async (commitTurn) => {
      events.push('1 landing');
      await commitTurn();
      events.push('1 commit');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['2 landing', '1 landing', '1 commit', '2 commit']);
  });

  it('a version settled without landing (failed, not downloaded) or recorded in its turn never holds up the next', async () => {
    const order = new LoadOrder([1n, 2n, 3n], 2, 2);
    const events: string[] = [];
    const third = order.land(3n, async (commitTurn) => {
      await commitTurn();
      events.push('3 commit');
    });
    const second = order.record(2n, async () => {
      events.push('2 recorded');
    });
    await tick();
    expect(events).toEqual([]);
    order.settle(1n);
    await Promise.all([second, third]);
    expect(events).toEqual(['2 recorded', '3 commit']);
  });

  it('a landing that throws passes its turns on when settled', async () => {
    const order = new LoadOrder([1n, 2n], 2, 2);
    await expect(order.land(1n, () => Promise.reject(new Error('rolled back')))).rejects.toThrow('rolled back');
    const second = order.land(2n, async (commitTurn) => {
      await commitTurn();
      return 'committed';
    });
    await tick();
    order.settle(1n);
    expect(await second).toBe('committed');
  });
});

describe('takingOrder', () => {
  const files = (sizes: number[]) => sizes.map((size, i) => ({ key: `f${i}.csv`, size }));

  it('puts the largest file to read first and keeps the rest in key order', () => {
    expect(takingOrder(files([10, 5, 900, 40, 300]), [1n, 2n, 3n, 4n, 5n], true)).toEqual([2, 0, 1, 3, 4]);
  });

  it('passes over files the manifest lets skip, however large', () => {
    expect(takingOrder(files([10, 5000, 900]), [1n, undefined, 2n], true)).toEqual([2, 0, 1]);
  });

  it('keeps key order when workers may wait for a lane (one lane), and when nothing is read', () => {
    expect(takingOrder(files([10, 5, 900]), [1n, 2n, 3n], false)).toEqual([0, 1, 2]);
    expect(takingOrder(files([10, 900]), [undefined, undefined], true)).toEqual([0, 1]);
  });
});
