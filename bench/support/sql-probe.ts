import { DuckDBConnection } from '@duckdb/node-api';

/** One statement DuckDB ran, with `performance.now()` times. */
export interface ProbedStatement {
  readonly start: number;
  readonly end: number;
  /** The first 200 characters, whitespace collapsed. */
  readonly sql: string;
  /** The whole statement as sent, with `fullSql`. */
  readonly text?: string;
  /** `process.cpuUsage()` when it was sent and when it returned: exact readings at phase boundaries. */
  readonly cpuStart: NodeJS.CpuUsage;
  readonly cpuEnd: NodeJS.CpuUsage;
}

/** A statement's text as the probe keeps it: whitespace folded, the first 200 characters. */
export function probedSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * Records every statement sent through `DuckDBConnection.run` (which `runAndReadAll`, and so every `Warehouse.run`,
 * `rows`, `scalar` and transaction statement, goes through) while enabled, so a benchmark can tell DuckDB's time from
 * the engine's own and find the boundaries of phases the API does not report (the freeze inside `closePeriod`).
 * A measuring device for benchmarks, and for tests that check which statements the engine sent: it wraps the
 * prototype method and restores it on `uninstall`.
 */
export class SqlProbe {
  readonly statements: ProbedStatement[] = [];
  enabled = false;
  #original: DuckDBConnection['run'] | undefined;

  /** `fullSql`: keep each statement's whole text (for a trace to replay), not only its start. */
  constructor(private readonly fullSql = false) {}

  install(): this {
    if (this.#original) return this;
    const original = DuckDBConnection.prototype.run;
    this.#original = original;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const probe = this;
    DuckDBConnection.prototype.run = async function (this: DuckDBConnection, ...args: Parameters<DuckDBConnection['run']>) {
      if (!probe.enabled) return original.apply(this, args);
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      try {
        return await original.apply(this, args);
      } finally {
        const sql = probedSql(args[0]);
        probe.statements.push({ start, end: performance.now(), sql, ...(probe.fullSql ? { text: args[0] } : {}), cpuStart, cpuEnd: process.cpuUsage() });
      }
    };
    return this;
  }

  uninstall(): void {
    if (this.#original) DuckDBConnection.prototype.run = this.#original;
    this.#original = undefined;
  }

  /** The first statement at or after `after` whose text matches. */
  first(pattern: RegExp, after = 0): ProbedStatement | undefined {
    return this.statements.find((s) => s.start >= after && pattern.test(s.sql));
  }

  /** Milliseconds DuckDB spent on statements that started in [from, to). */
  busyMs(from: number, to: number): number {
    return this.statements.filter((s) => s.start >= from && s.start < to).reduce((sum, s) => sum + (s.end - s.start), 0);
  }

  /** The `n` longest statements that started in [from, to). */
  longest(from: number, to: number, n: number): ProbedStatement[] {
    return this.statements
      .filter((s) => s.start >= from && s.start < to)
      .sort((a, b) => b.end - b.start - (a.end - a.start))
      .slice(0, n);
  }
}
