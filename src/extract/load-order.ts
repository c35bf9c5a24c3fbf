import { Slots } from './slots.js';

/**
 * The files of one extract run land side by side but take their turns in version order: a file commits only after
 * every earlier version has committed or been settled otherwise (recorded as failed or duplicate, not downloaded, or
 * skipped). So whatever the run committed before a crash is a prefix of its versions, and the run after the crash
 * gives the remaining files the versions an uninterrupted run would have given them (the crash-safety trials
 * compare the two byte for byte).
 *
 * No wait can go round in a circle: a file only ever waits for lower versions, and the workers take the files in
 * version order except for one worker's first file (the largest, see `extractFiles`), whose lower versions the other
 * worker takes in order. When there are fewer lanes than workers, a worker may also wait for a lane, so the lanes are
 * then granted in version order too (a file starts landing only after every earlier version has started): otherwise
 * a later version could hold the only lane while waiting to commit after an earlier one that needs it.
 */
export class LoadOrder {
  /**
   * Every worker has a lane of its own, so no worker ever waits for one: the lanes need no version order, and a worker
   * may take one file out of order (the largest first, `takingOrder`).
   */
  readonly lanePerWorker: boolean;
  private readonly lanes: Slots;
  /** Undefined when {@link lanePerWorker}. */
  private readonly starting: Turns | undefined;
  private readonly committing: Turns;

  /** `versions`: every version the run will settle; `lanes`: how many files land at once; `workers`: how many ask. */
  constructor(versions: readonly bigint[], lanes: number, workers: number) {
    this.lanePerWorker = lanes >= workers;
    this.lanes = new Slots(lanes);
    this.starting = this.lanePerWorker ? undefined : new Turns(versions);
    this.committing = new Turns(versions);
  }

  /**
   * Runs a landing of `version` on a lane. `fn` gets `commitTurn`, which it awaits inside its transaction just
   * before COMMIT; the version counts as committed once `fn` returns.
   */
  async land<T>(version: bigint, fn: (commitTurn: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.starting?.wait(version);
    const release = await this.lanes.acquire();
    this.starting?.pass(version);
    try {
      const value = await fn(() => this.committing.wait(version));
      this.committing.pass(version);
      return value;
    } finally {
      release();
    }
  }

  /** Writes a manifest row of `version` with no landing (failed, duplicate) in its commit turn. */
  async record<T>(version: bigint, fn: () => Promise<T>): Promise<T> {
    this.starting?.pass(version);
    await this.committing.wait(version);
    const value = await fn();
    this.committing.pass(version);
    return value;
  }

  /** The file of `version` is done, whatever happened to it (idempotent), so later versions never wait for it. */
  settle(version: bigint): void {
    this.starting?.pass(version);
    this.committing.pass(version);
  }
}

/**
 * Versions pass a point in ascending order: `wait(v)` resolves once every lower version has passed. The lowest
 * version not yet passed is kept by a cursor over the sorted versions, so a source of thousands of files does not
 * scan them all at every turn.
 */
class Turns {
  private readonly sorted: bigint[];
  private readonly pending: Set<bigint>;
  private lowest = 0; // index in `sorted` of the lowest version still pending
  private readonly waiting: { version: bigint; resume: () => void }[] = [];

  constructor(versions: readonly bigint[]) {
    this.sorted = [...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.pending = new Set(versions);
  }

  wait(version: bigint): Promise<void> {
    if (this.ready(version)) return Promise.resolve();
    return new Promise((resume) => this.waiting.push({ version, resume }));
  }

  pass(version: bigint): void {
    if (!this.pending.delete(version)) return;
    while (this.lowest < this.sorted.length && !this.pending.has(this.sorted[this.lowest]!)) this.lowest++;
    for (const w of [...this.waiting]) {
      if (!this.ready(w.version)) continue;
      this.waiting.splice(this.waiting.indexOf(w), 1);
      w.resume();
    }
  }

  private ready(version: bigint): boolean {
    return this.lowest === this.sorted.length || this.sorted[this.lowest]! >= version;
  }
}
