/**
 * Drives the real SQL models the way production does: land CSV files (one load = one new Version), `build`,
 * freeze / reopen periods, and read the marts with exact values. One temp warehouse per ledger; the project is
 * a private copy of the repo's models, macros, seeds, sources and data tests, so concurrent runs never share
 * `target/`.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '../../../src/cli/register-layers.js';
import { prepareFile } from '../../../src/extract/formats/index.js';
import { landPreparedFile } from '../../../src/extract/landing/index.js';
import { freezePeriod, reopenPeriod } from '../../../src/periods/freeze-period.js';
import { readPeriodState } from '../../../src/periods/period-state.js';
import type { Reporter } from '../../../src/reporter/reporter.js';
import { runBuild } from '../../../src/run/invocation.js';
import type { NodeResult } from '../../../src/run/run-types.js';
import { ensureStateTables } from '../../../src/warehouse/state-tables.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import type { JsonRow } from '../../../src/warehouse/warehouse.js';
import type { DeliveredFile } from './scenario-files.js';

/** The repository root (this file is tests/support/oracle-sql/). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** A reporter that prints nothing. */
export const SILENT_REPORTER: Reporter = {
  context: () => undefined,
  log: () => undefined,
  nodeStarted: () => undefined,
  nodeFinished: () => undefined,
  progress: () => undefined,
  result: () => undefined,
  close: () => undefined,
};

const PROJECT_PARTS = ['pipeline.yml', 'models', 'macros', 'seeds', 'sources', 'data-tests'];

/** A private copy of the project's SQL side in a temp folder; `cleanup()` removes it. */
export async function copyProject(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'revrec-models-'));
  for (const part of PROJECT_PARTS) {
    const from = join(REPO_ROOT, part);
    if (existsSync(from)) await cp(from, join(dir, part), { recursive: true });
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The settings a scenario builds with (pipeline.yml `vars`). */
export interface LedgerVars {
  readonly home_currency: string;
  readonly first_period: number;
  readonly max_rate_age_days: number;
  readonly commission_expedient: boolean;
}

/** A failed model or data test of a build. */
export interface BuildFailure {
  readonly node: string;
  readonly status: string;
  readonly message: string;
}

/** One warehouse with the real models, driven step by step. */
export class SqlLedger {
  private version = 0n;
  private files = 0;
  /** Every node result of the latest build (models, seeds and data tests). */
  lastResults: readonly NodeResult[] = [];

  private constructor(
    readonly projectDir: string,
    readonly wh: Warehouse,
    private readonly vars: LedgerVars,
    private readonly scratchDir: string,
  ) {}

  /**
   * Opens a fresh warehouse for the project in `projectDir`: in memory (about twice as fast as a file for these many
   * small builds), or a temp file with `REVREC_ORACLE_WAREHOUSE=file`. Close it with {@link close}.
   */
  static async open(projectDir: string, name: string, vars: LedgerVars): Promise<SqlLedger> {
    const scratchDir = await mkdtemp(join(tmpdir(), `revrec-${name}-`));
    const path = process.env.REVREC_ORACLE_WAREHOUSE === 'file' ? join(scratchDir, 'warehouse.duckdb') : ':memory:';
    let wh: Warehouse | undefined;
    try {
      wh = await Warehouse.open({ path, threads: 1 }, { root: projectDir, command: 'oracle-equivalence' });
      await ensureStateTables(wh);
      return new SqlLedger(projectDir, wh, vars, scratchDir);
    } catch (error) {
      wh?.close();
      await rm(scratchDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Lands each file as its own load (a new, higher Version), as `revrec extract` would. */
  async land(files: readonly DeliveredFile[]): Promise<void> {
    for (const file of files) {
      this.files++;
      const path = join(this.scratchDir, `${String(this.files).padStart(4, '0')}-${file.name}`);
      await writeFile(path, file.content);
      const prepared = await prepareFile(path, file.name);
      if (!prepared.ok) throw new Error(`oracle harness: ${file.name} could not be prepared: ${JSON.stringify(prepared)}`);
      try {
        this.version++;
        const version = this.version;
        await this.wh.transaction(() =>
          landPreparedFile(this.wh.connection, prepared, { version, source: 'oracle', fileKey: `${this.files}/${file.name}`, loadedAt: new Date(0) }, { replaceFileRows: false }),
        );
      } finally {
        await prepared.dispose();
      }
    }
  }

  /**
   * `revrec build` for the current period (incremental models update what changed; `fullRefresh` rebuilds them from
   * scratch); returns the failed models and data tests (none when green).
   */
  async build(fullRefresh = false): Promise<BuildFailure[]> {
    const outcome = await runBuild({
      command: 'build',
      projectDir: this.projectDir,
      vars: { ...this.vars },
      reporter: SILENT_REPORTER,
      warehouse: this.wh,
      clock: () => new Date(0),
      fullRefresh,
    });
    const results: readonly NodeResult[] = outcome.result?.results ?? [];
    this.lastResults = results;
    return results
      .filter((r) => r.status === 'error' || r.status === 'fail')
      .map((r) => ({ node: r.unique_id, status: r.status, message: r.message }));
  }

  /** The current period as the period state sees it. */
  async currentPeriod(): Promise<number> {
    return (await readPeriodState(this.wh, this.vars.first_period)).currentPeriod;
  }

  /** Freezes the current period (the marts must have been built for it). */
  async freeze(): Promise<void> {
    const state = await readPeriodState(this.wh, this.vars.first_period);
    await freezePeriod(this.wh, state, { period: state.currentPeriod, closedAt: new Date(0), forced: false, invocationId: `close-${state.currentPeriod}` });
  }

  /** Reopens the latest closed period. */
  async reopen(): Promise<void> {
    const state = await readPeriodState(this.wh, this.vars.first_period);
    await reopenPeriod(this.wh, state);
  }

  /** Rows with exact values (BIGINT as strings). */
  rows<T extends JsonRow = JsonRow>(sql: string): Promise<T[]> {
    return this.wh.rows<T>(sql);
  }

  async close(): Promise<void> {
    this.wh.close();
    await rm(this.scratchDir, { recursive: true, force: true });
  }
}
