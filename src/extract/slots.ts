/**
 * A counting semaphore that grants in the order asked: `acquire()` resolves with a release function once fewer than
 * `size` holders remain. The extract uses one of size 1 so downloads run one at a time in key order, and one of the
 * number of landing lanes (in {@link import('./load-order.js').LoadOrder}).
 */
export class Slots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer (got ${size})`);
  }

  async acquire(): Promise<() => void> {
    if (this.held < this.size && this.waiting.length === 0) this.held++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the releaser hands its slot over
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    };
  }
}
