import { CompileError, ConfigError, RevrecError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';

/**
 * Collects every problem found while loading or compiling, so a user fixes five mistakes in one go rather than five
 * runs (Dataform's compile errors). `throwIfAny()` raises one {@link CompileError} holding them all.
 */
export class ErrorCollector {
  readonly errors: RevrecError[] = [];

  add(message: string, location: ErrorLocation, hint?: string): void {
    this.errors.push(new ConfigError(message, { location, ...(hint ? { hint } : {}) }));
  }

  /** Runs `fn`; a RevrecError it throws is collected instead of propagated. */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CompileError) this.errors.push(...error.errors);
      else if (error instanceof RevrecError) this.errors.push(error);
      else throw error;
      return undefined;
    }
  }

  async attemptAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof CompileError) this.errors.push(...error.errors);
      else if (error instanceof RevrecError) this.errors.push(error);
      else throw error;
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new CompileError(this.errors);
  }
}
