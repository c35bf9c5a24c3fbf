import { Warehouse } from '../warehouse/warehouse.js';
import type { SqlAst } from './select-lineage.js';

export type ParseResult = { readonly ok: true; readonly statement: SqlAst } | { readonly ok: false; readonly error: string };

/**
 * DuckDB's own parser, through the built-in `json_serialize_sql()` on an in-memory database: the parse tree of a
 * SELECT as JSON, without binding (no table needs to exist). Only SELECT statements serialize; anything else, or
 * SQL DuckDB cannot parse, comes back as `{ ok: false, error }`. Close it when done.
 */
export class SqlParser {
  private constructor(private readonly db: Warehouse) {}

  static async open(): Promise<SqlParser> {
    return new SqlParser(await Warehouse.open({ path: ':memory:', threads: 1 }));
  }

  async parse(sql: string): Promise<ParseResult> {
    let text: string | undefined;
    try {
      text = await this.db.scalar<string>('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const parsed = JSON.parse(text ?? '{}') as { error?: boolean; error_message?: string; statements?: SqlAst[] };
    if (parsed.error) return { ok: false, error: parsed.error_message ?? 'DuckDB could not serialize the statement' };
    const statements = parsed.statements ?? [];
    if (statements.length !== 1) return { ok: false, error: `expected one SELECT statement, found ${statements.length}` };
    return { ok: true, statement: statements[0]!.node as SqlAst };
  }

  close(): void {
    this.db.close();
  }
}
