import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORDERS_HEADER, orderLine, ordersCsv } from '../../fixtures/inputs/orders-csv.js';
import { ExtractKit } from './extract-test-kit.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inputs');

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

describe('CSV files that cannot be read at all', () => {
  it('UNKNOWN_FILE_TYPE: the name matches no record type', async () => {
    const failure = await kit.failure('sales.csv', ordersCsv([orderLine('S-1')]));
    expect(failure).toMatchObject({ ok: false, code: 'UNKNOWN_FILE_TYPE', fileName: 'sales.csv' });
    expect(failure.message).toContain('sales.csv: the name matches no record type (patterns: orders*.csv, invoices*.csv');
    expect((await kit.failure('orders.xls', 'x')).message).toContain('Legacy .xls workbooks are not read');
  });

  it('UNKNOWN_FILE_TYPE: overlapping source patterns are refused, not guessed', async () => {
    const failure = await kit.failure('orders_1.csv', ordersCsv([orderLine('S-1')]), { patterns: { invoices: '*.csv' } });
    expect(failure.message).toContain('matches the patterns of several record types (orders, invoices)');
  });

  it('uses the source\'s own patterns', async () => {
    const prepared = await kit.prepare('Sales Export 2024.txt', ordersCsv([orderLine('S-1')]), { patterns: { orders: 'sales export*.txt' } });
    expect(prepared).toMatchObject({ ok: true, format: 'csv', parts: [{ type: 'orders' }] });
    if (prepared.ok) await prepared.dispose();
  });

  it('EMPTY_FILE: no bytes, only a BOM, only blank lines', async () => {
    expect(await kit.failure('orders.csv', '')).toMatchObject({ code: 'EMPTY_FILE', message: expect.stringContaining('the file is empty (0 bytes)') });
    expect((await kit.failure('orders.csv', '\uFEFF')).code).toBe('EMPTY_FILE');
    expect((await kit.failure('orders.csv', '\r\n\r\n  \n')).code).toBe('EMPTY_FILE');
  });

  it('MISSING_COLUMN: wrong delimiter, with the hint', async () => {
    const failure = await kit.failure('invoices_semicolon.csv', await readFile(join(FIXTURES, 'invoices_semicolon.csv')));
    expect(failure.code).toBe('MISSING_COLUMN');
    expect(failure.message).toBe(
      'invoices_semicolon.csv: the header lacks required invoices columns Invoice_Number, Document_Type, Billing_Date, Billing_Amount, Currency. ' +
        'Found 1 column: "Invoice_Number;Document_Type;Billing_Date;Billing_Amount;Currency". ' +
        'The header looks semicolon (;) separated: save the file as comma-separated CSV (UTF-8).',
    );
  });

  it('MISSING_COLUMN: a first line that is not the header', async () => {
    const failure = await kit.failure('orders.csv', `Export of 2024-05-01\n${ORDERS_HEADER}\n`);
    expect(failure.message).toContain('Found 1 column: "Export of 2024-05-01". The first line must be the header row; orders needs Sales_Order_Id');
    expect((await kit.failure('orders.csv', `\n${ORDERS_HEADER}\n`)).message).toContain('(an empty first line)');
  });

  it('DUPLICATE_COLUMN', async () => {
    const failure = await kit.failure('orders.csv', ordersCsv([], `${ORDERS_HEADER},sales order id`));
    expect(failure).toMatchObject({ code: 'DUPLICATE_COLUMN', message: expect.stringContaining('columns 1 ("Sales_Order_Id") and 14 ("sales order id")') });
  });

  it('NOT_CSV: binary garbage, NUL bytes, misnamed archives', async () => {
    let seed = 42;
    const garbage = Buffer.from(Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff));
    expect(await kit.failure('orders.csv', garbage)).toMatchObject({ code: 'NOT_CSV', message: expect.stringContaining('binary content') });
    const nul = Buffer.concat([Buffer.from(ordersCsv([orderLine('S-1')])), Buffer.from([0]), Buffer.from(orderLine('S-2'))]);
    const nulFailure = await kit.failure('orders.csv', nul);
    expect(nulFailure.message).toMatch(/^orders.csv: binary content: NUL byte at byte \d+\./);
    expect((await kit.failure('orders.csv', Buffer.from('PK\u0003\u0004rest'))).message).toContain('a ZIP archive (or an .xlsx workbook) named like a CSV');
    expect((await kit.failure('orders.csv', Buffer.from([0x1f, 0x8b, 8, 0]))).message).toContain('gzip');
  });

  it('NOT_CSV: a header that is not valid CSV', async () => {
    expect((await kit.failure('orders.csv', '"Sales_Order_Id,Sales_Order_Item_Id\n1,2\n')).message).toContain('the header row is not valid CSV');
    const long = await kit.failure('orders.csv', `${'x'.repeat(2000)}\n`, { maxHeaderBytes: 1000 });
    expect(long.message).toContain('the header row is longer than the limit');
  });

  it('BAD_ENCODING: Windows-1252 bytes refuse the whole file, naming the line', async () => {
    const failure = await kit.failure('fx_rates_latin1.csv', await readFile(join(FIXTURES, 'fx_rates_latin1.csv')));
    expect(failure).toMatchObject({ code: 'BAD_ENCODING', fileName: 'fx_rates_latin1.csv' });
    expect(failure.message).toBe(
      'fx_rates_latin1.csv: not valid UTF-8 at byte 105 (line 3): 0xFC 0x72 in ",CHF,2024-01-31,0.9312,Z\uFFFDrich caf\uFFFD ". ' +
        'The file looks Windows-1252/ISO-8859-1 encoded. Save it as "CSV UTF-8" and deliver it again; the whole file was refused.',
    );
  });

  it('BAD_ENCODING: a bad byte deep in a large file is still found', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => orderLine(`SO-${i}`));
    lines[15_000] = orderLine('SO-\u00e9');
    const bytes = Buffer.from(ordersCsv(lines));
    const at = bytes.indexOf(Buffer.from('SO-\u00e9'));
    bytes[at + 3] = 0xe9; // Latin-1 é, then the next byte is ASCII... but the UTF-8 é took two bytes: patch both
    bytes[at + 4] = 0x2d;
    const failure = await kit.failure('orders.csv', bytes);
    expect(failure.message).toContain(`at byte ${at + 3} (line 15002)`);
  });

  it('BAD_ENCODING: UTF-16 with and without a byte-order mark', async () => {
    const text = ordersCsv([orderLine('S-1')]);
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(await kit.failure('orders.csv', withBom)).toMatchObject({ code: 'BAD_ENCODING', message: expect.stringContaining('UTF-16 (little-endian)') });
    expect((await kit.failure('orders.csv', Buffer.from(text, 'utf16le'))).message).toContain('no byte-order mark');
  });
});
