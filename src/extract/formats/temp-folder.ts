import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';

/** A temporary folder made on first use and removed (with everything in it) by {@link TempFolder.remove}. */
export class TempFolder {
  private path: Promise<string> | undefined;
  private readonly parent: string;

  constructor(parent: string = tmpdir()) {
    this.parent = resolve(parent);
    // DuckDB expands glob characters in read_csv paths; every temporary CSV lives below this folder.
    if (/[*?[\]{}]/.test(this.parent)) {
      throw new ConfigError(`temporary folder ${JSON.stringify(this.parent)} contains glob characters (*?[]{}), which DuckDB would expand; choose another tempDir`);
    }
  }

  /** The folder, created on the first call. */
  get(): Promise<string> {
    this.path ??= mkdtemp(join(this.parent, 'revrec-extract-'));
    return this.path;
  }

  /** Removes the folder if it was made; idempotent, safe to call concurrently. */
  async remove(): Promise<void> {
    const made = this.path;
    if (made === undefined) return;
    const path = await made.catch(() => undefined);
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  }
}
