import { createHash } from 'node:crypto';
import type { Warehouse } from './warehouse.js';

/**
 * Tables the engine owns in schema `meta`: state that outlives a run. Models read them as sources
 * (`{{source 'meta' '…'}}`), so every model stays a pure function of its inputs and this state. Each layer adds its
 * DDL here; all statements are idempotent and run at the start of every writing command.
 */
export const STATE_TABLE_DDL: string[] = [
  'CREATE SCHEMA IF NOT EXISTS meta',
  `CREATE TABLE IF NOT EXISTS meta.run_history (
    invocation_id VARCHAR PRIMARY KEY,
    command VARCHAR NOT NULL,
    args JSON,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    nodes_total INTEGER,
    nodes_failed INTEGER,
    nodes_warned INTEGER,
    pid INTEGER,
    host VARCHAR
  )`,
  `COMMENT ON TABLE meta.run_history IS 'One row per revrec invocation that wrote to the warehouse: command, arguments, timing and outcome.'`,
];

/** Registers more DDL (called by layers at module load, before the first `ensureStateTables`). */
export function addStateTableDdl(...statements: string[]): void {
  STATE_TABLE_DDL.push(...statements);
}

type Initializer = (wh: Warehouse) => Promise<void>;
const initializers: Initializer[] = [];

/**
 * Registers work that must happen before any model runs, for layers the engine must not import (the extract layer
 * creates the raw landing tables, so staging models compile against them even before the first file lands).
 */
export function addWarehouseInitializer(initializer: Initializer): void {
  if (!initializers.includes(initializer)) initializers.push(initializer);
}

/** The open warehouses whose state tables this process has made sure of. */
const ensured = new WeakSet<Warehouse>();

/** Records which DDL the warehouse's state tables were last made with (ensureStateTables). */
const DDL_MARKER = 'meta.state_tables_ddl';

/**
 * Creates the state tables and runs the initializers, once per open warehouse: `revrec pipeline` calls this for each
 * step. The DDL with its comments is a catalog write each time (15–30 ms on a 1M-line warehouse, at the start of
 * every command), so it runs only when its text differs from the one the warehouse last ran (a hash kept in
 * `meta.state_tables_ddl`: a new version of revrec with a new table or column runs it) or when one of its tables is
 * missing; checking costs one catalog query.
 */
export async function ensureStateTables(wh: Warehouse): Promise<void> {
  if (ensured.has(wh)) return;
  const ddl = STATE_TABLE_DDL.join(';\n');
  const hash = createHash('sha256').update(ddl).digest('hex');
  if (!(await ddlApplied(wh, hash, ddl))) {
    await wh.run(
      `${ddl};\nCREATE OR REPLACE TABLE ${DDL_MARKER} AS SELECT '${hash}' AS ddl_hash;\n` +
        `COMMENT ON TABLE ${DDL_MARKER} IS 'The hash of the DDL revrec last ran for its state tables: it runs again when that changes.'`,
    );
  }
  for (const initializer of initializers) await initializer(wh);
  ensured.add(wh);
}

/** Whether the warehouse ran exactly this DDL and still has every table it creates in schema meta. */
async function ddlApplied(wh: Warehouse, hash: string, ddl: string): Promise<boolean> {
  const tables = [...ddl.matchAll(/CREATE TABLE IF NOT EXISTS meta\.(\w+)/g)].map((m) => `'${m[1]}'`);
  try {
    const [row] = await wh.rows<{ applied: boolean }>(
      `SELECT (SELECT ddl_hash FROM ${DDL_MARKER}) = '${hash}' AND ` +
        `(SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name IN (${tables.join(', ')})) = ${tables.length} AS applied`,
    );
    return row?.applied === true;
  } catch {
    return false; // no marker yet (a new warehouse, or one made before it existed)
  }
}

/** What a post-build hook learns about the run that built models. */
export interface BuildInfo {
  /** Every model ran and succeeded, without --select/--exclude: a complete build. */
  readonly complete: boolean;
  /** Incremental models were rebuilt from scratch (--full-refresh). */
  readonly fullRefresh: boolean;
  /**
   * The hash of the project's data tests (names and compiled SQL) when this run was a complete `build` in which every
   * one of them ran and passed; otherwise null.
   */
  readonly testsPassedHash: string | null;
}
type PostBuildHook = (wh: Warehouse, build: BuildInfo) => Promise<void>;
const postBuildHooks: PostBuildHook[] = [];

/**
 * Registers work to do after every run that built models: the periods layer records the build watermark that
 * incremental models compare against (complete builds only) and what the build changed (a partial or failed run may
 * have changed anything).
 */
export function addPostBuildHook(hook: PostBuildHook): void {
  if (!postBuildHooks.includes(hook)) postBuildHooks.push(hook);
}

export async function runPostBuildHooks(wh: Warehouse, build: BuildInfo): Promise<void> {
  for (const hook of postBuildHooks) await hook(wh, build);
}

/** What a before-tests hook learns: the run, and the hash of the project's data tests (as in BuildInfo). */
export interface TestRunInfo {
  /** A `build` of everything (no --select/--exclude, not --full-refresh) whose models all succeeded so far. */
  readonly completeBuild: boolean;
  readonly testsHash: string;
}

/** A narrowing of this run's data tests: which tests it narrows, a note for the log and their results, how to undo it. */
export interface TestNarrowing {
  readonly note: string;
  readonly narrows: (compiledSql: string) => boolean;
  readonly undo: () => Promise<void>;
}
type BeforeTestsHook = (wh: Warehouse, run: TestRunInfo) => Promise<TestNarrowing | undefined>;
const beforeTestsHooks: BeforeTestsHook[] = [];

/**
 * Registers work to do once before a run's first data test: the periods layer narrows a daily build's tests to the
 * lines it recomputed when the previous complete build passed every test (src/periods/test-slice.ts).
 */
export function addBeforeTestsHook(hook: BeforeTestsHook): void {
  if (!beforeTestsHooks.includes(hook)) beforeTestsHooks.push(hook);
}

export async function runBeforeTestsHooks(wh: Warehouse, run: TestRunInfo): Promise<TestNarrowing[]> {
  const narrowings: TestNarrowing[] = [];
  for (const hook of beforeTestsHooks) {
    const narrowing = await hook(wh, run);
    if (narrowing) narrowings.push(narrowing);
  }
  return narrowings;
}
