import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureRawTables } from '../../../src/extract/landing/index.js';
import { RECORD_TYPES, RECORD_TYPE_NAMES } from '../../../src/extract/record-types.js';
import { ExtractKit } from './extract-test-kit.js';

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

describe('ensureRawTables', () => {
  it('creates one table per record type: canonical VARCHAR columns in order, _extra JSON, lineage', async () => {
    for (const type of RECORD_TYPE_NAMES) {
      const columns = await kit.rows(`SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = '${type}' ORDER BY column_index`);
      expect(columns).toEqual([
        ...RECORD_TYPES[type].columns.map((c) => ({ column_name: c, data_type: 'VARCHAR', is_nullable: true })),
        { column_name: '_extra', data_type: 'JSON', is_nullable: true },
        { column_name: '_version', data_type: 'BIGINT', is_nullable: false },
        { column_name: '_source', data_type: 'VARCHAR', is_nullable: false },
        { column_name: '_file', data_type: 'VARCHAR', is_nullable: false },
        { column_name: '_row', data_type: 'BIGINT', is_nullable: false },
        { column_name: '_loaded_at', data_type: 'TIMESTAMP', is_nullable: false },
      ]);
    }
    expect(await kit.rows("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'rejected_rows' ORDER BY column_index")).toEqual(
      ['type', '_version', '_source', '_file', '_row', 'code', 'message', 'raw_text'].map((column_name) => ({ column_name })),
    );
  });

  it('comments every table and column', async () => {
    expect(await kit.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' AND (comment IS NULL OR comment = '')")).toEqual([]);
    expect(await kit.rows("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND (comment IS NULL OR comment = '')")).toEqual([]);
    const [doc] = await kit.rows("SELECT comment FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'invoices' AND column_name = 'Document_Type'");
    expect(doc?.comment).toBe('Document_Type as delivered (required): text, untrimmed, empty cell = NULL; typed and validated by the staging models. INV, IVC, CM or CMC.');
  });

  it('is idempotent and adds canonical columns an older table lacks', async () => {
    await kit.conn.run('INSERT INTO raw.exclusions VALUES (\'T-1\', NULL, 1, \'s\', \'f\', 2, TIMESTAMP \'2024-01-01\')');
    await ensureRawTables(kit.conn);
    await kit.conn.run('ALTER TABLE raw.currencies DROP COLUMN "Minor_Unit"');
    await kit.inTransaction(() => ensureRawTables(kit.conn));
    expect(await kit.rows('SELECT count(*) n FROM raw.exclusions')).toEqual([{ n: '1' }]);
    expect(await kit.rows("SELECT column_name FROM duckdb_columns() WHERE table_name = 'currencies' AND column_name = 'Minor_Unit'")).toEqual([{ column_name: 'Minor_Unit' }]);
  });

  it('writes nothing when every table, column and comment is in place, and restores a comment someone changed', async () => {
    const statements: string[] = [];
    const run = kit.conn.run.bind(kit.conn);
    // Every statement but the catalog read (runAndReadAll goes through run too).
    kit.conn.run = ((sql: string, ...rest: never[]) => (/^SELECT /.test(sql) || statements.push(sql), run(sql, ...rest))) as typeof kit.conn.run;
    try {
      await ensureRawTables(kit.conn);
      expect(statements).toEqual([]);
      await run(`COMMENT ON COLUMN raw.orders."SSP" IS 'edited by hand'`);
      await ensureRawTables(kit.conn);
      expect(statements).toHaveLength(1);
      const lines = statements[0]!.split('\n');
      expect(lines).toHaveLength(2); // CREATE SCHEMA IF NOT EXISTS, and the one comment
      expect(lines[1]).toMatch(/^COMMENT ON COLUMN "raw"\."orders"\."SSP" IS '/);
    } finally {
      kit.conn.run = run;
    }
    const [doc] = await kit.rows("SELECT comment FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'orders' AND column_name = 'SSP'");
    expect(doc?.comment).not.toBe('edited by hand');
    expect(doc?.comment).toContain('SSP');
  });
});
