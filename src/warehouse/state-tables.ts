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

export async function ensureStateTables(wh: Warehouse): Promise<void> {
  await wh.run(STATE_TABLE_DDL.join(';\n'));
  for (const initializer of initializers) await initializer(wh);
}

/** Called after a build that ran every model successfully (no selection); see `addPostBuildHook`. */
/** What a post-build hook learns about the build: whether it rebuilt incremental models from scratch. */
export interface BuildInfo {
  readonly fullRefresh: boolean;
}
type PostBuildHook = (wh: Warehouse, build: BuildInfo) => Promise<void>;
const postBuildHooks: PostBuildHook[] = [];

/**
 * Registers work to do after a complete, successful build (every model, no --select): the periods layer records
 * the build watermark that incremental models compare against.
 */
export function addPostBuildHook(hook: PostBuildHook): void {
  if (!postBuildHooks.includes(hook)) postBuildHooks.push(hook);
}

export async function runPostBuildHooks(wh: Warehouse, build: BuildInfo): Promise<void> {
  for (const hook of postBuildHooks) await hook(wh, build);
}

type IncompleteRunHook = (wh: Warehouse) => Promise<void>;
const incompleteRunHooks: IncompleteRunHook[] = [];

/**
 * Registers work to do after a run that built models but was not a complete, successful build (a --select, a failed
 * model): layers that track what each build changed must assume anything did.
 */
export function addIncompleteRunHook(hook: IncompleteRunHook): void {
  if (!incompleteRunHooks.includes(hook)) incompleteRunHooks.push(hook);
}

export async function runIncompleteRunHooks(wh: Warehouse): Promise<void> {
  for (const hook of incompleteRunHooks) await hook(wh);
}
