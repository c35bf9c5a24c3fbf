import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderLine, ordersCsv } from '../../fixtures/inputs/orders-csv.js';
import { buildZip, deflatedZeros } from '../../fixtures/inputs/zip-builder.js';
import { ExtractKit } from './extract-test-kit.js';

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

const invoicesCsv = 'Invoice_Number,Document_Type,Billing_Date,Billing_Amount,Currency\nINV-1,INV,2024-01-31,100.00,USD\nbroken\n';

describe('landing ZIP archives of CSVs', () => {
  it('maps each entry to its type by its own name, lands it as key!entry and reports what it skipped', async () => {
    const zip = buildZip([
      { name: 'export/', data: '' },
      { name: 'export/orders_2024.csv', data: ordersCsv([orderLine('SO-1'), orderLine('SO-2')]) },
      { name: 'export/invoices_q1.csv', data: invoicesCsv, method: 'store' },
      { name: 'readme.txt', data: 'hello' },
      { name: '__MACOSX/export/._orders_2024.csv', data: 'AppleDouble' },
    ]);
    const { prepared, result } = await kit.land('delivery.zip', zip, { fileKey: 'in/delivery.zip' });
    expect(prepared.format).toBe('zip');
    expect(prepared.ignored).toEqual([
      { name: 'readme.txt', reason: 'its name matches no record type pattern' },
      { name: '__MACOSX/export/._orders_2024.csv', reason: 'hidden file or macOS metadata (__MACOSX, ._*), not data' },
    ]);
    expect(result).toEqual({
      rowsByType: { orders: 2, invoices: 1 },
      rejectedRows: 1,
      parts: [
        { type: 'orders', file: 'in/delivery.zip!export/orders_2024.csv', entryName: 'export/orders_2024.csv', rows: 2, rejectedRows: 0 },
        { type: 'invoices', file: 'in/delivery.zip!export/invoices_q1.csv', entryName: 'export/invoices_q1.csv', rows: 1, rejectedRows: 1 },
      ],
    });
    expect(await kit.rows('SELECT _file, _row, raw_text FROM raw.rejected_rows')).toEqual([{ _file: 'in/delivery.zip!export/invoices_q1.csv', _row: '3', raw_text: 'broken' }]);
    expect(await kit.tempEntries()).toEqual([]); // dispose() removed the extracted entries
  });

  it('full reload of a ZIP replaces the rows of all its entries', async () => {
    await kit.land('d.zip', buildZip([{ name: 'orders_a.csv', data: ordersCsv([orderLine('A')]) }, { name: 'orders_b.csv', data: ordersCsv([orderLine('B')]) }]), { version: 1n });
    await kit.land('d.zip', buildZip([{ name: 'orders_a.csv', data: ordersCsv([orderLine('A2')]) }]), { version: 2n }, { replaceFileRows: true });
    expect(await kit.rows('SELECT _file, "Sales_Order_Id" id FROM raw.orders')).toEqual([{ _file: 'd.zip!orders_a.csv', id: 'A2' }]);
  });

  it('an entry that cannot be read fails the whole archive, naming the entry', async () => {
    const zip = buildZip([
      { name: 'orders.csv', data: ordersCsv([orderLine('A')]) },
      { name: 'fx_rates.csv', data: Buffer.from([0x46, 0x72, 0x6f, 0x6d, 0xe9, 0x0a]) },
    ]);
    const failure = await kit.failure('d.zip', zip);
    expect(failure).toMatchObject({ code: 'BAD_ENCODING', entryName: 'fx_rates.csv', message: expect.stringMatching(/^d\.zip!fx_rates\.csv: not valid UTF-8 at byte 4 \(line 1\)/) });
    const missing = await kit.failure('d.zip', buildZip([{ name: 'fx_rates_1.csv', data: 'From_Currency,Rate\nEUR,1\n' }]));
    expect(missing).toMatchObject({ code: 'MISSING_COLUMN', entryName: 'fx_rates_1.csv' });
  });

  it.each([
    ['../orders.csv', 'climbs out of the archive with ".."'],
    ['data/../../orders.csv', 'climbs out of the archive with ".."'],
    ['..\\orders.csv', 'climbs out of the archive with ".."'],
    ['/tmp/orders.csv', 'absolute path'],
    ['C:/orders.csv', 'absolute path'],
  ])('UNSAFE_ZIP_ENTRY: %j', async (name, reason) => {
    const failure = await kit.failure('evil.zip', buildZip([{ name: 'orders_ok.csv', data: ordersCsv([orderLine('A')]) }, { name, data: ordersCsv([orderLine('B')]) }]));
    expect(failure.code).toBe('UNSAFE_ZIP_ENTRY');
    expect(failure.message).toContain(reason);
    expect(failure.message).toContain('the archive was not read');
  });

  it('UNSAFE_ZIP_ENTRY: symbolic links and duplicate names', async () => {
    const link = await kit.failure('evil.zip', buildZip([{ name: 'orders.csv', data: '/etc/passwd', method: 'store', unixMode: 0o120777 }]));
    expect(link).toMatchObject({ code: 'UNSAFE_ZIP_ENTRY', entryName: 'orders.csv', message: expect.stringContaining('because it is a symbolic link') });
    const twice = await kit.failure('evil.zip', buildZip([{ name: 'orders.csv', data: ordersCsv([orderLine('A')]) }, { name: 'orders.csv', data: ordersCsv([orderLine('B')]) }]));
    expect(twice).toMatchObject({ code: 'UNSAFE_ZIP_ENTRY', message: expect.stringContaining('occurs twice') });
  });

  it('ZIP_TOO_LARGE: a deflate bomb (about 1000:1), refused from its declared sizes before inflating', async () => {
    const bomb = deflatedZeros(64 * 1024 * 1024);
    const zip = buildZip([{ name: 'orders.csv', compressed: bomb, uncompressedSize: 64 * 1024 * 1024, crc: 0 }]);
    expect(zip.length).toBeLessThan(100_000);
    const failure = await kit.failure('bomb.zip', zip);
    expect(failure).toMatchObject({ code: 'ZIP_TOO_LARGE', entryName: 'orders.csv', message: expect.stringContaining('(more than 200:1)') });
  });

  it('ZIP_TOO_LARGE: the total cap is configurable and counts every entry', async () => {
    const entry = ordersCsv(Array.from({ length: 2000 }, (_, i) => orderLine(`SO-${i}`)));
    const zip = buildZip([{ name: 'orders_1.csv', data: entry }, { name: 'orders_2.csv', data: entry }]);
    const failure = await kit.failure('big.zip', zip, { limits: { maxTotalBytes: Math.floor(entry.length * 1.5) } });
    expect(failure).toMatchObject({ code: 'ZIP_TOO_LARGE', entryName: 'orders_2.csv' });
    expect((await kit.failure('many.zip', zip, { limits: { maxEntries: 1 } })).message).toContain('2 entries, over the cap of 1');
  });

  it('CORRUPT_ZIP: a header that lies about the size stops inflating at the declared size', async () => {
    const bomb = deflatedZeros(16 * 1024 * 1024);
    const failure = await kit.failure('liar.zip', buildZip([{ name: 'orders.csv', compressed: bomb, uncompressedSize: 1000, crc: 0 }]));
    expect(failure).toMatchObject({ code: 'CORRUPT_ZIP', message: expect.stringContaining('does not inflate to the size its header declares') });
  });

  it('CORRUPT_ZIP: truncated, bad CRC, damaged deflate data, encrypted, not a ZIP', async () => {
    const good = buildZip([{ name: 'orders.csv', data: ordersCsv([orderLine('A')]) }]);
    expect((await kit.failure('t.zip', good.subarray(0, good.length - 30))).message).toContain('not a readable ZIP archive');
    expect((await kit.failure('c.zip', buildZip([{ name: 'orders.csv', data: ordersCsv([orderLine('A')]), crc: 1234 }]))).message).toContain('fails its CRC-32 check');
    const damaged = buildZip([{ name: 'orders.csv', compressed: Buffer.from('definitely not deflate data'), uncompressedSize: 500 }]);
    expect((await kit.failure('d.zip', damaged)).code).toBe('CORRUPT_ZIP');
    const encrypted = await kit.failure('e.zip', buildZip([{ name: 'orders.csv', data: 'x', extraFlags: 0x1 }]));
    expect(encrypted).toMatchObject({ code: 'CORRUPT_ZIP', message: expect.stringContaining('is encrypted') });
    expect((await kit.failure('n.zip', 'just text')).code).toBe('CORRUPT_ZIP');
  });

  it('UNKNOWN_FILE_TYPE when no entry is named after a record type', async () => {
    const failure = await kit.failure('misc.zip', buildZip([{ name: 'notes.csv', data: 'a\n1\n' }]));
    expect(failure).toMatchObject({ code: 'UNKNOWN_FILE_TYPE', message: expect.stringContaining('its entries are "notes.csv"') });
  });
});
