import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { prepareFile, type PrepareOptions, type PreparedFile } from '../../../src/extract/formats/index.js';
import type { LoadFailure } from '../../../src/extract/formats/load-failure.js';
import { ensureRawTables, landPreparedFile, type LandingLineage, type LandingResult } from '../../../src/extract/landing/index.js';

/** A fresh in-memory warehouse with the raw tables, and a scratch folder for input files. */
export class ExtractKit {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly dir: string,
    readonly tempDir: string,
  ) {}

  static async create(): Promise<ExtractKit> {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '2',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await instance.connect();
    await ensureRawTables(conn);
    const dir = await mkdtemp(join(tmpdir(), 'revrec-extract-test-'));
    const tempDir = join(dir, 'tmp');
    await import('node:fs/promises').then((fs) => fs.mkdir(tempDir));
    return new ExtractKit(instance, conn, dir, tempDir);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Writes an input file into the scratch folder and returns its path. */
  async file(name: string, content: string | Buffer): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, content);
    return path;
  }

  async prepare(name: string, content: string | Buffer, options: PrepareOptions = {}) {
    return prepareFile(await this.file(name, content), name, { tempDir: this.tempDir, ...options });
  }

  /** Prepares a file that must fail, and returns the failure. */
  async failure(name: string, content: string | Buffer, options: PrepareOptions = {}): Promise<LoadFailure> {
    const result = await this.prepare(name, content, options);
    if (result.ok) {
      await result.dispose();
      expect.fail(`expected ${name} to fail, got parts ${result.parts.map((p) => p.type).join(', ')}`);
    }
    expect(await this.tempEntries()).toEqual([]); // nothing left behind on failure
    return result;
  }

  /** Prepares and lands a file in one transaction, disposing the prepared file. */
  async land(
    name: string,
    content: string | Buffer,
    lineage: Partial<LandingLineage> = {},
    options: { replaceFileRows?: boolean; prepare?: PrepareOptions; maxLineBytes?: number } = {},
  ): Promise<{ prepared: PreparedFile; result: LandingResult }> {
    const prepared = await this.prepare(name, content, options.prepare);
    if (!prepared.ok) expect.fail(`${prepared.code}: ${prepared.message}`);
    try {
      const result = await this.inTransaction(() =>
        landPreparedFile(
          this.conn,
          prepared,
          { version: 1n, source: 'test', fileKey: name, loadedAt: new Date('2024-05-01T10:00:00Z'), ...lineage },
          { replaceFileRows: options.replaceFileRows ?? false, ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}) },
        ),
      );
      return { prepared, result };
    } finally {
      await prepared.dispose();
    }
  }

  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.conn.run('COMMIT');
      return result;
    } catch (error) {
      await this.conn.run('ROLLBACK');
      throw error;
    }
  }

  /** Rows of a query as objects of exact strings. */
  async rows(sql: string): Promise<Array<Record<string, unknown>>> {
    return (await this.conn.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  }

  async tempEntries(): Promise<string[]> {
    return readdir(this.tempDir);
  }
}
