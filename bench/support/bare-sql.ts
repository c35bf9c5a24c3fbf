import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CompiledGraph, ModelNode } from '../../src/compile/graph-types.js';
import { quoteIdent, quoteLiteral, relationName } from '../../src/compile/node-ids.js';
import { exportSelect } from '../../src/export/export-select.js';
import type { ExportFormat } from '../../src/export/export-select.js';
import { EXPORT_TYPES } from '../../src/export/export-types.js';
import { hashFile } from '../../src/export/file-hash.js';
import { CLOSE_CHECK_QUERIES } from '../../src/periods/close-checks.js';
import { freezeStatements } from '../../src/periods/freeze-period.js';
import type { WarehouseSettings } from '../../src/project/types.js';
import { registerUdfs } from '../../src/udf/index.js';
import { flushFile } from '../../src/warehouse/publish.js';
import { duckdbStorageConfig } from '../../src/warehouse/storage-version.js';
import { NO_EXTENSION_DOWNLOADS, duckdbResourceConfig } from '../../src/warehouse/warehouse.js';

/**
 * The pipeline's work as bare DuckDB SQL through `@duckdb/node-api`, the baseline `bench/e2e.ts` divides by: no
 * lineage, lock, run history, temp-table swap, comments or bookkeeping, only the statements that produce the same
 * tables and files, and the figures an export's manifest must list (exports.md: row count, byte size, SHA-256 and
 * control totals per file), computed the simplest way.
 */
export interface BareDb {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  close(): void;
}

/** A DuckDB file opened with the warehouse's settings (threads, DuckDB's share of memory_limit, allocator, temp_directory), as `Warehouse.open`. */
export async function openBare(path: string, settings: WarehouseSettings, tempDirectory: string): Promise<BareDb> {
  // the same file format as the warehouse (storage-version.ts): like with like
  const instance = await DuckDBInstance.create(path, { ...NO_EXTENSION_DOWNLOADS, ...duckdbResourceConfig(settings), ...duckdbStorageConfig(settings), temp_directory: tempDirectory });
  const connection = await instance.connect();
  let closed = false;
  return {
    path,
    instance,
    connection,
    close: () => {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Opens the bare warehouse again (after `close()`) with its UDFs, as a command of its own finds it: DuckDB's buffers
 * empty (the file itself still in the OS cache, as it is for the engine's next command).
 */
export async function reopenBare(db: BareDb, settings: WarehouseSettings, tempDirectory: string): Promise<BareDb> {
  const reopened = await openBare(db.path, settings, tempDirectory);
  registerUdfs(reopened.connection, reopened.instance);
  return reopened;
}

/** Rows a statement reported (`Count` of CREATE TABLE AS / COPY), else rows changed. */
async function run(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  if (names.length === 1 && names[0] === 'Count' && reader.currentRowCount === 1) return Number(reader.getRowsJson()[0]![0]);
  return Number(reader.rowsChanged);
}

/** Bare extract: one `CREATE TABLE AS SELECT * FROM read_csv(file, all_varchar = true)` per file; rows and ms per file. */
export async function bareExtract(db: BareDb, files: readonly string[]): Promise<{ rows: number; ms: Record<string, number> }> {
  let rows = 0;
  const ms: Record<string, number> = {};
  for (const [i, file] of files.entries()) {
    const t0 = performance.now();
    rows += await run(db.connection, `CREATE TABLE ${quoteIdent(`landed_${i}`)} AS SELECT * FROM read_csv(${quoteLiteral(file)}, all_varchar = true)`);
    ms[basename(file)] = Math.round(performance.now() - t0);
  }
  return { rows, ms };
}

/**
 * The meta tables the models read whose rows a build or a close writes: copied empty, as they were before the first
 * build (the bare build is always a full build, so the build watermark stays empty).
 */
const STATE_WRITTEN_BY_RUNS = new Set(['period_closes', 'frozen_line_periods', 'frozen_line_state', 'frozen_orders', 'frozen_invoices', 'build_state']);

/**
 * Setup, not timed: copies the landed data (`raw.*`, the loaded seeds, `meta.*` as it was before the close) out of
 * the engine's warehouse, creates the model schemas and registers the UDFs, so the bare build starts where the
 * engine's build started.
 */
export async function prepareBareWarehouse(db: BareDb, warehousePath: string, graph: CompiledGraph): Promise<void> {
  const c = db.connection;
  await c.run(`ATTACH ${quoteLiteral(warehousePath)} AS w (READ_ONLY)`);
  try {
    const reader = await c.runAndReadAll(
      "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'w' AND schema_name IN ('raw', 'meta', 'seeds') ORDER BY ALL",
    );
    for (const [schema, table] of reader.getRowsJson() as [string, string][]) {
      await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      const empty = schema === 'meta' && STATE_WRITTEN_BY_RUNS.has(table);
      await c.run(`CREATE TABLE ${relationName(schema, table)} AS SELECT * FROM w.${relationName(schema, table)}${empty ? ' WHERE false' : ''}`);
    }
  } finally {
    await c.run('DETACH w');
  }
  for (const node of Object.values(graph.nodes)) if (node.kind === 'model') await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(node.schema)}`);
  await c.run('CHECKPOINT');
  registerUdfs(c, db.instance);
}

/**
 * Bare build: every model's compiled SQL in `graph.order` as `CREATE OR REPLACE TABLE … AS` (tables, incrementals
 * built in full) or `CREATE OR REPLACE VIEW` (views); ephemerals are inlined already; no tests. `only` narrows it to
 * the models it accepts (the build after a close: `bareBuildAfterClose`). Milliseconds per model.
 */
export async function bareBuild(db: BareDb, graph: CompiledGraph, only: (node: ModelNode) => boolean = () => true): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const id of graph.order) {
    const node = graph.nodes[id]!;
    if (node.kind !== 'model' || node.config.materialized === 'ephemeral' || !only(node)) continue;
    const kind = node.config.materialized === 'view' ? 'VIEW' : 'TABLE';
    const t0 = performance.now();
    await db.connection.run(`CREATE OR REPLACE ${kind} ${node.relation} AS (\n${node.compiledSql}\n)`);
    times[node.name] = performance.now() - t0;
  }
  return times;
}

/**
 * The models a build after a close must recompute: the current period moved, so every table and view, and the
 * incremental models indexed by the current period (their full_refresh_if asks `period_moved`); the other
 * incremental models recompute only the orders dated in the opened period, none when every order is in the books.
 */
function movedByClose(node: ModelNode): boolean {
  return node.config.materialized !== 'incremental' || (node.config.fullRefreshIf ?? '').includes('period_moved');
}

/**
 * Bare build after a close, the work the engine's does: the models the moved period reaches (`movedByClose`), the
 * future schedule's rows of the opened period deleted (its other rows do not depend on the period: macro
 * in_future_schedule_slice), and the data tests. Milliseconds per model.
 */
export async function bareBuildAfterClose(db: BareDb, graph: CompiledGraph): Promise<Record<string, number>> {
  const times = await bareBuild(db, graph, movedByClose);
  await db.connection.run('DELETE FROM marts.fct_revenue_schedule_future WHERE actg_period <= (SELECT current_period FROM intermediate.int_settings)');
  await bareTests(db, graph);
  return times;
}

/** Bare data tests: every test's compiled query counted, as `revrec test` runs them (a close whose build is current). */
export async function bareTests(db: BareDb, graph: CompiledGraph): Promise<void> {
  for (const id of graph.order) {
    const node = graph.nodes[id]!;
    if (node.kind === 'test') await db.connection.run(`SELECT count(*) FROM (\n${node.compiledSql}\n)`);
  }
}

/** Bare close checks: the reconciliation queries `revrec period close` runs after the data tests (close-checks.ts). */
export async function bareCloseChecks(db: BareDb): Promise<void> {
  for (const sql of CLOSE_CHECK_QUERIES) await db.connection.runAndReadAll(sql);
}

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'",
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

/**
 * Bare export: one `COPY (<the export SELECT>) TO …` per type and format (as `bench/export.ts`), and only what the
 * options ask besides: with `rememberSent` each type's rows are first written to a table (`CREATE TABLE AS`), as a
 * first continuous export must keep what it sent, and copied from there; with `controlTotals` each type's amount
 * columns are summed, as the manifest needs; with `checksums` each file is hashed (SHA-256, and its size) after its
 * `COPY`, as the manifest lists them too (since stop 29; `hashMs` is that part of the time).
 * `period` given: the close-period files of that period; otherwise what the first continuous export sends (every
 * record, with Version; journals of closed periods only). Returns the rows written per type (first format) and the
 * time spent hashing.
 */
export async function bareExport(
  db: BareDb,
  dir: string,
  formats: readonly ExportFormat[],
  options: { period?: number; currentPeriod: number; rememberSent?: boolean; controlTotals?: boolean; checksums?: boolean },
): Promise<{ rows: Record<string, number>; hashMs: number }> {
  await mkdir(dir, { recursive: true });
  const continuous = options.period === undefined;
  const rows: Record<string, number> = {};
  let hashMs = 0;
  if (options.rememberSent) await db.connection.run('CREATE SCHEMA IF NOT EXISTS bare_sent');
  for (const type of EXPORT_TYPES) {
    const control = continuous
      ? '(SELECT CAST(NULL AS INTEGER) AS Closed_Period, CAST(now() AS TIMESTAMP) AS Export_Timestamp, CAST(0 AS BIGINT) AS Version)'
      : `(SELECT CAST(${options.period} AS INTEGER) AS Closed_Period, CAST(now() AS TIMESTAMP) AS Export_Timestamp)`;
    // a closed period's orders and invoices are read from their frozen snapshot, as the engine reads them
    let source = !type.model ? control : !continuous && type.frozenSnapshot ? relationName('meta', type.frozenSnapshot) : relationName('exports', type.model);
    let where = !type.model ? undefined : continuous ? (type.closedPeriodsOnly ? `Actg_Period < ${options.currentPeriod}` : undefined) : `Actg_Period = ${options.period}`;
    if (options.rememberSent && type.model) {
      // What a first continuous export must keep so the next run sends only changes: the rows sent, as a table,
      // written once and copied to the files from there.
      await db.connection.run(`CREATE OR REPLACE TABLE bare_sent.${type.name} AS SELECT * FROM ${source}${where ? ` WHERE ${where}` : ''}`);
      source = `bare_sent.${type.name}`;
      where = undefined;
    }
    for (const [i, format] of formats.entries()) {
      const select = exportSelect(type.columns, source, where, type.orderBy, { format, amountScale: 2, withVersion: continuous });
      const file = join(dir, `${type.name}.${format}`);
      const n = await run(db.connection, `COPY (${select}) TO ${quoteLiteral(file)} (${COPY_OPTIONS[format]})`);
      if (i === 0) rows[type.name] = n;
      if (options.checksums) {
        const t0 = performance.now();
        await hashFile(file);
        hashMs += performance.now() - t0;
      }
    }
    // The manifest's control totals: the exact sum of each amount column per file (one aggregate per type).
    const amounts = type.columns.filter((c) => c.kind === 'amount');
    if (options.controlTotals && amounts.length) {
      const sums = amounts.map((c) => `sum(${quoteIdent(c.name)})`).join(', ');
      await db.connection.runAndReadAll(`SELECT _amount_minor_unit, ${sums} FROM ${source}${where ? ` WHERE ${where}` : ''} GROUP BY ALL`);
    }
  }
  return { rows, hashMs };
}

/** Bare publish: CHECKPOINT, a copy of the file, flushed to disk. */
export async function barePublish(db: BareDb, to: string): Promise<void> {
  await db.connection.run('CHECKPOINT');
  await copyFile(db.path, resolve(to));
  await flushFile(resolve(to)); // on disk, as the engine's publish makes its copy before the rename
}

/** Bare freeze: the statements of `src/periods/freeze-period.ts` (freezeStatements) in one transaction. */
export async function bareFreeze(db: BareDb, period: number): Promise<void> {
  const c = db.connection;
  await c.run('BEGIN TRANSACTION');
  await c.run(`INSERT INTO meta.period_closes (actg_period, closed_at, forced, force_reasons, invocation_id) VALUES (${period}, now(), false, NULL, 'bare')`);
  for (const sql of freezeStatements(period)) await c.run(sql);
  await c.run('COMMIT');
}
