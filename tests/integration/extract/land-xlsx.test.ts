import { existsSync, readdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildZip } from '../../fixtures/inputs/zip-builder.js';
import { ExtractKit } from './extract-test-kit.js';

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Orders tab with dates, numbers, formulas, rich text, an empty row, an extra column and an overlong row. */
function ordersTab(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet('Orders');
  ws.addRow(['Sales Order Id', 'sales_order_item_id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency', 'Service_Start_Date', 'Service_End_Date', 'Region']);
  ws.addRow(['SO-1', 'SO-1-1', 'C-1', 'P-1', utc(2024, 2, 29), 3, 0.1 + 0.2, 'USD', utc(2024, 3, 1), { formula: 'DATE(2025,2,28)', result: 45716 }, { richText: [{ text: 'E' }, { text: 'MEA', font: { bold: true } }] }]);
  ws.addRow(['SO-2', 'SO-2-1', '=1+1', 'P-2', utc(2024, 1, 15), 1e-7, 1e21, 'EUR', utc(2024, 1, 1), utc(2024, 12, 31), 'Line one\nline "two", three']);
  for (const cell of ['E2', 'I2', 'J2', 'E3', 'I3', 'J3']) ws.getCell(cell).numFmt = 'yyyy-mm-dd';
  ws.getCell('F3').numFmt = '0.00E+00';
  ws.getRow(5).values = ['SO-5', 'SO-5-1', 'C-5', 'P-5', '2024-05-01', { formula: 'F2*2', result: 6 } as never, '', 'USD', '2024-05-01', '2024-05-31'];
  ws.getRow(6).values = ['SO-6', 'SO-6-1', 'C-6', 'P-6', '2024-06-01', 1, 1, 'USD', '2024-06-01', '2024-06-30', 'x', 'beyond the header'];
}

describe('landing XLSX workbooks', () => {
  it('lands each tab named after a record type, with real date cells, plain numbers and sheet row numbers', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('readme').addRow(['This workbook holds orders and invoices']);
      ordersTab(wb);
      const inv = wb.addWorksheet('invoices');
      inv.addRow(['Invoice_Number', 'Document_Type', 'Billing_Date', 'Billing_Amount', 'Currency']);
      inv.addRow(['INV-1', 'INV', utc(2024, 1, 31), 1234.5, 'USD']);
      inv.getCell('C2').numFmt = 'dd/mm/yyyy';
      wb.addWorksheet('FX Rates');
    });
    const { prepared, result } = await kit.land('batch.xlsx', bytes, { fileKey: 'inbox/batch.xlsx' });
    expect(prepared.format).toBe('xlsx');
    expect(prepared.ignored).toEqual([
      { name: 'readme', reason: expect.stringContaining('no record type is named like this tab') },
      { name: 'FX Rates', reason: 'the tab is empty (no header row)' },
    ]);
    expect(result).toMatchObject({ rowsByType: { orders: 3, invoices: 1 }, rejectedRows: 1 });
    expect(result.parts.map((p) => [p.type, p.file, p.entryName])).toEqual([
      ['orders', 'inbox/batch.xlsx', 'Orders'],
      ['invoices', 'inbox/batch.xlsx', 'invoices'],
    ]);
    expect(await kit.rows('SELECT "Sales_Order_Id" id, "Customer_Id" c, "Order_Date" d, "Quantity" q, "Sale_Price" p, "Service_Start_Date" s, "Service_End_Date" e, _extra, _row FROM raw.orders ORDER BY _row')).toEqual([
      { id: 'SO-1', c: 'C-1', d: '2024-02-29', q: '3', p: '0.30000000000000004', s: '2024-03-01', e: '2025-02-28', _extra: '{"region":"EMEA"}', _row: '2' },
      { id: 'SO-2', c: '=1+1', d: '2024-01-15', q: '0.0000001', p: '1000000000000000000000', s: '2024-01-01', e: '2024-12-31', _extra: '{"region":"Line one\\nline \\"two\\", three"}', _row: '3' },
      { id: 'SO-5', c: 'C-5', d: '2024-05-01', q: '6', p: null, s: '2024-05-01', e: '2024-05-31', _extra: '{"region":null}', _row: '5' },
    ]);
    expect(await kit.rows('SELECT type, _file, _row, message, raw_text FROM raw.rejected_rows')).toEqual([
      {
        type: 'orders', _file: 'inbox/batch.xlsx', _row: '6',
        message: expect.stringContaining('the row has 12 fields but the header has 11'),
        raw_text: 'SO-6,SO-6-1,C-6,P-6,2024-06-01,1,1,USD,2024-06-01,2024-06-30,x,beyond the header',
      },
    ]);
    expect(await kit.rows('SELECT "Billing_Date", "Billing_Amount", _row FROM raw.invoices')).toEqual([{ Billing_Date: '2024-01-31', Billing_Amount: '1234.5', _row: '2' }]);
  });

  it('finds the header on the first non-empty row and keeps the real row numbers', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('exclusions');
      ws.getRow(3).values = ['Transaction ID', 'Why'];
      ws.getRow(4).values = ['T-1', 'dup'];
      ws.getRow(9).values = ['T-2'];
    });
    await kit.land('exclusions.xlsx', bytes);
    expect(await kit.rows('SELECT "Transaction_ID" t, _extra, _row FROM raw.exclusions ORDER BY _row')).toEqual([
      { t: 'T-1', _extra: '{"why":"dup"}', _row: '4' },
      { t: 'T-2', _extra: '{"why":null}', _row: '9' },
    ]);
  });

  it('reads 1904-system workbooks (Mac Excel) without shifting dates, formula results included', async () => {
    const bytes = await workbook((wb) => {
      (wb.properties as { date1904?: boolean }).date1904 = true;
      const ws = wb.addWorksheet('fx_rates');
      ws.addRow(['From_Currency', 'To_Currency', 'Rate_Date', 'Rate']);
      ws.addRow(['EUR', 'USD', utc(2024, 3, 1), 1.08]);
      ws.addRow(['EUR', 'CHF', { formula: 'C2+1', result: 43891 } as never, 0.95]);
      ws.getCell('C2').numFmt = 'yyyy-mm-dd';
      ws.getCell('C3').numFmt = 'yyyy-mm-dd';
    });
    await kit.land('rates.xlsx', bytes);
    expect(await kit.rows('SELECT "To_Currency" c, "Rate_Date" d, "Rate" r FROM raw.fx_rates ORDER BY _row')).toEqual([
      { c: 'USD', d: '2024-03-01', r: '1.08' },
      { c: 'CHF', d: '2024-03-02', r: '0.95' },
    ]);
  });

  it('MISSING_COLUMN names the tab', async () => {
    const bytes = await workbook((wb) => wb.addWorksheet('fx_rates').addRow(['From_Currency', 'To_Currency', 'Rate']));
    const failure = await kit.failure('rates.xlsx', bytes);
    expect(failure).toMatchObject({ code: 'MISSING_COLUMN', entryName: 'fx_rates' });
    expect(failure.message).toMatch(/^rates\.xlsx, tab "fx_rates": the header lacks required fx_rates column Rate_Date\./);
  });

  it('UNKNOWN_FILE_TYPE when no tab is named after a record type; EMPTY_FILE when those tabs are empty', async () => {
    const unknown = await kit.failure('book.xlsx', await workbook((wb) => wb.addWorksheet('Sheet1').addRow(['a'])));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_FILE_TYPE', message: expect.stringContaining('no tab is named after a record type (tabs: "Sheet1")') });
    expect((await kit.failure('book.xlsx', await workbook((wb) => wb.addWorksheet('orders')))).code).toBe('EMPTY_FILE');
  });

  it('CORRUPT_XLSX: not a ZIP, truncated, legacy or encrypted, a ZIP without a workbook, empty', async () => {
    const good = await workbook(ordersTab);
    const cases: Array<[string, Buffer, string]> = [
      ['garbage', Buffer.from('this is not a workbook at all'), 'an .xlsx is a ZIP package'],
      ['truncated', good.subarray(0, Math.floor(good.length / 2)), 'may be truncated'],
      ['ole', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), 'legacy .xls workbook or a password-protected one'],
      ['no workbook', buildZip([{ name: 'orders.csv', data: 'a,b\n1,2\n' }]), 'not a readable .xlsx workbook'],
    ];
    for (const [label, bytes, text] of cases) {
      const failure = await kit.failure('orders.xlsx', bytes);
      expect(failure.code, label).toBe('CORRUPT_XLSX');
      expect(failure.message, label).toContain(text);
    }
    expect((await kit.failure('orders.xlsx', Buffer.alloc(0))).code).toBe('EMPTY_FILE');
  });

  it('ZIP_TOO_LARGE when the declared part sizes exceed the cap', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('exclusions');
      ws.addRow(['Transaction_ID']);
      for (let i = 0; i < 3000; i += 1) ws.addRow([`T-${i}-${'x'.repeat(400)}`]);
    });
    const failure = await kit.failure('big.xlsx', bytes, { limits: { maxTotalBytes: 1024 * 1024 } });
    expect(failure).toMatchObject({ code: 'ZIP_TOO_LARGE', message: expect.stringContaining('declare 1535154 uncompressed bytes up to "xl/sharedStrings.xml", over the cap of 1048576') });
  });

  it('ZIP_TOO_LARGE while converting: one shared string repeated in many cells (small XML, huge CSV)', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('exclusions');
      ws.addRow(['Transaction_ID']);
      const long = 'y'.repeat(30_000);
      for (let i = 0; i < 200; i += 1) ws.addRow([long]);
    });
    expect(bytes.length).toBeLessThan(50_000);
    const failure = await kit.failure('amplified.xlsx', bytes, { limits: { maxTotalBytes: 1024 * 1024 } });
    expect(failure).toMatchObject({ code: 'ZIP_TOO_LARGE', entryName: 'exclusions', message: expect.stringContaining('the converted sheets reached') });
  });

  it.skipIf(!existsSync('/proc/self/fd'))('releases its file descriptors after skipped tabs and failed workbooks', async () => {
    const build = (header: string) =>
      workbook((wb) => {
        for (const name of ['readme', 'exclusions', 'notes']) {
          const ws = wb.addWorksheet(name);
          ws.addRow([name === 'exclusions' ? header : 'x']);
          for (let i = 0; i < 500; i += 1) ws.addRow([`T-${i}`]);
        }
      });
    const good = await build('Transaction_ID');
    const bad = await build('Transaction');
    const descriptors = () => readdirSync('/proc/self/fd').length;
    const before = descriptors();
    for (let i = 0; i < 4; i += 1) {
      const prepared = await kit.prepare('good.xlsx', good);
      expect(prepared.ok).toBe(true);
      if (prepared.ok) await prepared.dispose();
      expect((await kit.failure('bad.xlsx', bad)).code).toBe('MISSING_COLUMN');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(descriptors()).toBeLessThanOrEqual(before);
  });
});
