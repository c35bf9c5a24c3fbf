import { CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { DatabaseConnection, DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler, QueryResult } from 'kysely';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/**
 * A Kysely dialect over `@duckdb/node-api` for the engine's own tables (run history, load manifest, export
 * bookkeeping). Rows come back through `getRowObjectsJson()`, so DECIMAL, BIGINT and HUGEINT arrive as exact
 * strings and DATE as `YYYY-MM-DD` (kysely-duckdb turns DECIMAL into value objects and DATE into local-time
 * JavaScript dates). DuckDB speaks Postgres' `$1` placeholders and `RETURNING`, so Postgres' compiler is reused.
 * The dialect borrows the warehouse's connection and never closes it.
 */
export class DuckDBDialect implements Dialect {
  constructor(private readonly connection: DuckDBConnection) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new DuckDBDriver(this.connection);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class DuckDBDriver implements Driver {
  private readonly wrapped: DuckDBKyselyConnection;
  private queue: Promise<void> = Promise.resolve();

  constructor(connection: DuckDBConnection) {
    this.wrapped = new DuckDBKyselyConnection(connection);
  }

  async init(): Promise<void> {}

  /** One underlying connection: callers are serialised so transactions do not interleave. */
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.wrapped.release = release;
    return this.wrapped;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as DuckDBKyselyConnection).release?.();
  }

  async destroy(): Promise<void> {}
}

class DuckDBKyselyConnection implements DatabaseConnection {
  release: (() => void) | undefined;

  constructor(private readonly connection: DuckDBConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const params = query.parameters.map(toDuckDBValue);
    const reader = await this.connection.runAndReadAll(query.sql, params);
    const isWrite = /^\s*(insert|update|delete|merge)\b/i.test(query.sql);
    // Without RETURNING, DuckDB answers a write with one `Count` row; Kysely wants that as numAffectedRows, not a row.
    const columns = reader.columnNames();
    if (isWrite && columns.length === 1 && columns[0] === 'Count' && !/\breturning\b/i.test(query.sql)) {
      return { rows: [], numAffectedRows: BigInt(reader.rowsChanged) };
    }
    const rows = reader.getRowObjectsJson() as unknown as R[];
    return isWrite && rows.length === 0 ? { rows, numAffectedRows: BigInt(reader.rowsChanged) } : { rows };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Unexpected streamQuery: revrec streams with DuckDB directly');
  }
}

/** Dates become ISO strings (DuckDB casts them), everything else passes through unchanged. */
function toDuckDBValue(value: unknown): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value as DuckDBValue;
}
