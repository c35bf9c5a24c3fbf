import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { quoteIdent } from '../compile/node-ids.js';
import { ExecutionError } from '../errors.js';
import type { WarehouseSettings } from '../project/types.js';
import { ALLOCATOR_CONFIG, duckdbMemoryLimit } from './memory-budget.js';
import { duckdbStorageConfig, storageVersionError } from './storage-version.js';
import { vacuumConfig } from './vacuum.js';
import { lockedError, WarehouseLock } from './warehouse-lock.js';

export type JsonRow = Record<string, unknown>;

/** Every DuckDB instance this project opens: extensions are never fetched (none can be downloaded here). */
export const NO_EXTENSION_DOWNLOADS: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/**
 * DuckDB's resources from `pipeline.yml`: threads, DuckDB's share of the run's memory budget and the allocator
 * settings (memory-budget.ts). The bench's bare-SQL side opens DuckDB with the same, so it compares like with like.
 */
export function duckdbResourceConfig(settings: Pick<WarehouseSettings, 'threads' | 'memoryLimit'>): Record<string, string> {
  return {
    ...ALLOCATOR_CONFIG,
    ...(settings.threads ? { threads: String(settings.threads) } : {}),
    ...(settings.memoryLimit ? { memory_limit: duckdbMemoryLimit(settings.memoryLimit) } : {}),
  };
}

export interface OpenOptions {
  /** Analysts' and read-only commands: no lock, no writes. */
  readonly readOnly?: boolean;
  /** Shown to a second process that finds the warehouse locked. */
  readonly command?: string;
  /** Project root, to resolve a relative warehouse path. */
  readonly root?: string;
}

/**
 * The warehouse: one DuckDB file, one instance per process (DuckDB's instance cache: two instances on one file in
 * one process risk corruption), one writer across processes (see {@link WarehouseLock}). A small interface on
 * purpose: run statements, read rows as exact JSON (DECIMAL and BIGINT as strings, never doubles), transactions.
 */
export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly lock: WarehouseLock | undefined,
    readonly readOnly: boolean,
    /** A {@link session}: closing it closes only its connection. */
    private readonly shared = false,
  ) {}

  private relationCache: RelationCache | undefined;

  /** Identity of the underlying DuckDB database, for once-per-database work such as UDF registration. */
  get databaseKey(): object {
    return this.instance;
  }

  static async open(settings: WarehouseSettings, options: OpenOptions = {}): Promise<Warehouse> {
    const path = settings.path === ':memory:' ? ':memory:' : resolve(options.root ?? '.', settings.path);
    const readOnly = options.readOnly ?? false;
    let lock: WarehouseLock | undefined;
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      if (!readOnly) lock = WarehouseLock.acquire(path, options.command ?? 'revrec');
    }
    try {
      const config: Record<string, string> = { ...NO_EXTENSION_DOWNLOADS, ...duckdbResourceConfig(settings), enable_external_access: 'true' };
      if (readOnly) config.access_mode = 'READ_ONLY';
      else Object.assign(config, vacuumConfig(settings), duckdbStorageConfig(settings));
      if (settings.tempDirectory) config.temp_directory = resolve(options.root ?? '.', settings.tempDirectory);
      const instance = await acquireInstance(path, config);
      const connection = await instance.connect();
      return new Warehouse(path, instance, connection, lock, readOnly);
    } catch (error) {
      lock?.release();
      const message = error instanceof Error ? error.message : String(error);
      const pid = /Conflicting lock is held in .* \(PID (\d+)\)/.exec(message)?.[1];
      if (pid || /Could not set lock on file/.test(message)) {
        throw lockedError(path, pid ? { pid: Number(pid), host: 'this host', startedAt: 'unknown', command: 'unknown' } : undefined);
      }
      // DuckDB does not say which setting it refused; the one a user is likely to have mistyped is checked alone
      const refused = /Failed to set config/.test(message) ? await storageVersionError(settings) : undefined;
      if (refused) throw refused;
      throw new ExecutionError(`cannot open the warehouse ${path}: ${message}`, { cause: error });
    }
  }

  /**
   * Runs one or more statements; returns the rows the last one wrote (DuckDB reports CREATE TABLE AS and INSERT
   * counts in a `Count` column rather than in rowsChanged).
   */
  async run(sql: string, params?: DuckDBValue[]): Promise<number> {
    const reader = await this.connection.runAndReadAll(sql, params);
    const names = reader.columnNames();
    if (names.length === 1 && names[0] === 'Count' && reader.currentRowCount === 1) return Number(reader.getRowsJson()[0]![0]);
    return Number(reader.rowsChanged);
  }

  /** Rows as plain objects with exact values: DECIMAL/BIGINT/HUGEINT as strings, DATE as `YYYY-MM-DD`. */
  async rows<T extends JsonRow = JsonRow>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  /** The first column of the first row, or undefined. */
  async scalar<T = unknown>(sql: string, params?: DuckDBValue[]): Promise<T | undefined> {
    const reader = await this.connection.runAndReadAll(sql, params);
    const rows = reader.getRowsJson();
    return rows[0]?.[0] as T | undefined;
  }

  /** Runs `fn` in one transaction: everything or nothing. Not re-entrant. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const value = await fn();
      await this.connection.run('COMMIT');
      return value;
    } catch (error) {
      try {
        await this.connection.run('ROLLBACK');
      } catch {
        /* the transaction may already be aborted */
      }
      throw error;
    }
  }

  // The duckdb_*() catalog functions rather than information_schema: a third faster (this runs for every model)
  // and limited to this database, not every attached one.
  async relationExists(schema: string, name: string): Promise<'table' | 'view' | undefined> {
    if (this.relationCache) return (await this.relationCache.kinds()).get(relationKey(schema, name));
    const rows = await this.rows<{ kind: 'table' | 'view' }>(
      "SELECT 'table' AS kind FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 " +
        "UNION ALL SELECT 'view' FROM duckdb_views() WHERE database_name = current_database() AND schema_name = $1 AND view_name = $2",
      [schema, name],
    );
    return rows[0]?.kind;
  }

  /**
   * While `work` runs, {@link relationExists} answers from one read of the catalog instead of a query per call (2 ms
   * each, about once per model: 0.12 s of a daily build). Whoever creates, drops or replaces a relation meanwhile
   * says so ({@link noteRelation}), or drops the answers ({@link forgetRelations}: they are read again on next use).
   */
  async withRelationCache<T>(work: () => Promise<T>): Promise<T> {
    if (this.relationCache) return work();
    this.relationCache = new RelationCache(this);
    try {
      return await work();
    } finally {
      this.relationCache = undefined;
    }
  }

  /** Records that `schema.name` now is a table or a view (undefined: dropped); nothing outside withRelationCache. */
  noteRelation(schema: string, name: string, kind: 'table' | 'view' | undefined): void {
    this.relationCache?.note(schema, name, kind);
  }

  /** Drops the cached answers of withRelationCache (after SQL that may have created or dropped any relation). */
  forgetRelations(): void {
    this.relationCache?.forget();
  }

  /**
   * Column names of an existing table or view (`database` 'temp': a TEMP table, schema 'main'), in order, from an
   * empty query's result: about 0.8 ms, where reading `duckdb_columns()` filters the whole catalog (about 4.5 ms on a
   * warehouse of 100 tables, once or twice per model of every build).
   */
  async columnNames(schema: string, name: string, database?: 'temp'): Promise<string[]> {
    const relation = `${database ? 'temp.' : ''}${quoteIdent(schema)}.${quoteIdent(name)}`;
    return (await this.connection.runAndReadAll(`SELECT * FROM ${relation} LIMIT 0`)).columnNames();
  }

  /** Writes everything to the file (so a published copy is complete). */
  async checkpoint(): Promise<void> {
    if (!this.readOnly) await this.connection.run('CHECKPOINT');
  }

  /**
   * Another connection to the same database, for work that runs beside this one's in a transaction of its own (an
   * extract lands two files at a time). It shares the instance and the lock; closing it closes only its connection.
   * Session state (SET variables, temp tables) is its own.
   */
  async session(): Promise<Warehouse> {
    return new Warehouse(this.path, this.instance, await this.instance.connect(), undefined, this.readOnly, true);
  }

  /** Stops the statement running on this connection, if any: it fails with DuckDB's "Interrupted" error. */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    if (this.shared) {
      this.connection.closeSync();
      return;
    }
    try {
      this.connection.closeSync();
    } finally {
      releaseInstance(this.path, this.instance);
      this.lock?.release();
    }
  }
}

/**
 * One DuckDB instance per file per process, reference-counted: two instances on one file in one process risk
 * corruption, and closing the last user releases DuckDB's own file lock (so other processes can open it).
 */
const instances = new Map<string, { instance: DuckDBInstance; refs: number }>();

async function acquireInstance(path: string, config: Record<string, string>): Promise<DuckDBInstance> {
  if (path === ':memory:') return DuckDBInstance.create(path, config);
  const entry = instances.get(path);
  if (entry) {
    entry.refs++;
    return entry.instance;
  }
  const instance = await DuckDBInstance.create(path, config);
  instances.set(path, { instance, refs: 1 });
  return instance;
}

function releaseInstance(path: string, instance: DuckDBInstance): void {
  const entry = instances.get(path);
  if (!entry) {
    instance.closeSync();
    return;
  }
  entry.refs--;
  if (entry.refs === 0) {
    instances.delete(path);
    entry.instance.closeSync();
  }
}

const relationKey = (schema: string, name: string): string => `${schema}\u0000${name}`;

/** The kinds of this database's tables and views, read once (see Warehouse.withRelationCache). */
class RelationCache {
  private loading: Promise<Map<string, 'table' | 'view'>> | undefined;

  constructor(private readonly wh: Warehouse) {}

  kinds(): Promise<Map<string, 'table' | 'view'>> {
    this.loading ??= this.wh
      .rows<{ schema_name: string; name: string; kind: 'table' | 'view' }>(
        "SELECT schema_name, table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE database_name = current_database() " +
          "UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE database_name = current_database()",
      )
      .then((rows) => new Map(rows.map((r) => [relationKey(r.schema_name, r.name), r.kind])));
    return this.loading;
  }

  note(schema: string, name: string, kind: 'table' | 'view' | undefined): void {
    if (!this.loading) return;
    const loading = this.loading;
    this.loading = loading.then((kinds) => {
      if (kind) kinds.set(relationKey(schema, name), kind);
      else kinds.delete(relationKey(schema, name));
      return kinds;
    });
  }

  forget(): void {
    this.loading = undefined;
  }
}
