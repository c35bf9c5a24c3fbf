import { Slots } from './slots.js';

/**
 * The files of one extract run land side by side but take their turns in version order: a file starts landing only
 * after every earlier version has started (so the lanes are granted in version order), and commits only after every
 * earlier version has committed or been settled otherwise (recorded as failed or duplicate, not downloaded, or
 * skipped). So whatever the run committed before a crash is a prefix of its versions, and the run after the crash
 * gives the remaining files the versions an uninterrupted run would have given them (the crash-safety trials
 * compare the two byte for byte). Versions start in key order, so a file only ever waits for files before it, and
 * those hold a lane or need none: no wait can go round in a circle.
 */
export class LoadOrder {
  private readonly lanes: Slots;
  private readonly starting: Turns;
  private readonly committing: Turns;

  /** `versions`: every version the run will settle; `lanes`: how many files land at once. */
  constructor(versions: readonly bigint[], lanes: number) {
    this.lanes = new Slots(lanes);
    this.starting = new Turns(versions);
    this.committing = new Turns(versions);
  }

  /**
   * Runs a landing of `version` on a lane. `fn` gets `commitTurn`, which it awaits inside its transaction just
   * before COMMIT; the version counts as committed once `fn` returns.
   */
  async land<T>(version: bigint, fn: (commitTurn: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.starting.wait(version);
    const release = await this.lanes.acquire();
    this.starting.pass(version);
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
    this.starting.pass(version);
    await this.committing.wait(version);
    const value = await fn();
    this.committing.pass(version);
    return value;
  }

  /** The file of `version` is done, whatever happened to it (idempotent), so later versions never wait for it. */
  settle(version: bigint): void {
    this.starting.pass(version);
    this.committing.pass(version);
  }
}

/** Versions pass a point in ascending order: `wait(v)` resolves once every lower version has passed. */
class Turns {
  private readonly pending: Set<bigint>;
  private readonly waiting: { version: bigint; resume: () => void }[] = [];

  constructor(versions: readonly bigint[]) {
    this.pending = new Set(versions);
  }

  wait(version: bigint): Promise<void> {
    if (this.ready(version)) return Promise.resolve();
    return new Promise((resume) => this.waiting.push({ version, resume }));
  }

  pass(version: bigint): void {
    if (!this.pending.delete(version)) return;
    for (const w of [...this.waiting]) {
      if (!this.ready(w.version)) continue;
      this.waiting.splice(this.waiting.indexOf(w), 1);
      w.resume();
    }
  }

  private ready(version: bigint): boolean {
    for (const v of this.pending) if (v < version) return false;
    return true;
  }
}
