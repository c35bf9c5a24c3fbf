import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORDERS_HEADER, orderLine, ordersCsv } from '../../fixtures/inputs/orders-csv.js';
import { buildZip } from '../../fixtures/inputs/zip-builder.js';
import { ExtractKit } from './extract-test-kit.js';

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

const HOSTILE = [`x"; DROP TABLE raw.orders; --`, `y'); DROP TABLE raw.invoices; --`, `z\\'; SELECT 1; --`, `{'c0': 'VARCHAR'}`];

async function tablesIntact(): Promise<void> {
  expect(await kit.rows("SELECT count(*) n FROM duckdb_tables() WHERE schema_name = 'raw'")).toEqual([{ n: '10' }]);
}

describe('values from outside never become SQL', () => {
  it('header names become JSON keys, verbatim after normalisation', async () => {
    const header = `${ORDERS_HEADER},${HOSTILE.map((h) => `"${h.replaceAll('"', '""')}"`).join(',')}`;
    const { result } = await kit.land('orders.csv', ordersCsv([`${orderLine('SO-1')},a,b,c,d`], header));
    expect(result.rowsByType).toEqual({ orders: 1 });
    await tablesIntact();
    const [row] = await kit.rows('SELECT _extra FROM raw.orders');
    expect(JSON.parse(row?._extra as string)).toEqual({
      'x";_drop_table_raw.orders;_--': 'a',
      "y');_drop_table_raw.invoices;_--": 'b',
      "z\\';_select_1;_--": 'c',
      "{'c0':_'varchar'}": 'd',
    });
  });

  it('file keys, source names, file names and paths with quotes land as plain text', async () => {
    const name = `orders_'q"; DROP TABLE raw.orders; --.csv`;
    const fileKey = `in/o'rders"; DELETE FROM raw.orders; --.csv`;
    const source = `src'); DROP SCHEMA raw CASCADE; --`;
    await kit.land(name, ordersCsv([orderLine('SO-1'), 'bad row']), { fileKey, source });
    await kit.land(name, ordersCsv([orderLine('SO-2')]), { fileKey, source, version: 2n }, { replaceFileRows: true });
    await tablesIntact();
    expect(await kit.rows('SELECT _source, _file, "Sales_Order_Id" id FROM raw.orders')).toEqual([{ _source: source, _file: fileKey, id: 'SO-2' }]);
  });

  it('ZIP entry names with quotes land as plain text', async () => {
    const entry = `orders_'; DROP TABLE raw.orders; --".csv`;
    const { result } = await kit.land('d.zip', buildZip([{ name: entry, data: ordersCsv([orderLine('SO-1'), 'bad']) }]), { fileKey: "k'.zip" });
    expect(result.rejectedRows).toBe(1);
    await tablesIntact();
    expect(await kit.rows('SELECT _file FROM raw.orders UNION ALL SELECT _file FROM raw.rejected_rows')).toEqual([{ _file: `k'.zip!${entry}` }, { _file: `k'.zip!${entry}` }]);
  });

  it('sheet names and cell texts with quotes land as plain text', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('exclusions');
    ws.addRow(['Transaction_ID', `n'; DROP TABLE raw.exclusions; --`]);
    ws.addRow([`T'1"; DROP TABLE raw.exclusions; --`, `v'"`]);
    wb.addWorksheet(`it's "not" a type`).addRow(['x']);
    const { prepared } = await kit.land(`e'x.xlsx`, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(prepared.ignored.map((i) => i.name)).toEqual([`it's "not" a type`]);
    await tablesIntact();
    expect(await kit.rows('SELECT "Transaction_ID" t, _extra FROM raw.exclusions')).toEqual([
      { t: `T'1"; DROP TABLE raw.exclusions; --`, _extra: JSON.stringify({ "n';_drop_table_raw.exclusions;_--": `v'"` }) },
    ]);
  });
});
