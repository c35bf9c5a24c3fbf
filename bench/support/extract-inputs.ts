import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import ExcelJS from 'exceljs';

/**
 * Benchmark inputs for the extract benchmarks, written once into `bench/out/` (git-ignored) and reused. The CSV is
 * byte-identical to the one `bench/extract-formats.ts` generates (same name, same generator), so both share it.
 */

export const ORDERS_HEADER =
  'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number';

/** An orders CSV of `rows` ~145-byte lines (deterministic). Written to a temporary name, then renamed. */
export async function ensureOrdersCsv(path: string, rows: number): Promise<void> {
  if (existsSync(path)) return;
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  out.write(`${ORDERS_HEADER}\n`);
  let buffer = '';
  for (let i = 0; i < rows; i += 1) {
    const id = String(i).padStart(10, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    buffer +=
      `SO-${id},SO-${id}-0001,CUSTOMER-${String(i % 99_991).padStart(6, '0')},PRODUCT-${String(i % 97).padStart(4, '0')},2024-${month}-15,` +
      `${(i % 50) + 1},${1000 + (i % 9000)}.00,${900 + (i % 9000)}.50,${950 + (i % 9000)}.25,USD,2024-${month}-01,2025-03-31,INVOICE-${id}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  await rename(partial, path);
}

/**
 * An orders workbook of `rows` rows × 10 columns on a tab `orders` (date cells formatted `yyyy-mm-dd`, numbers as
 * numbers, text as shared strings), streamed with exceljs's writer. Same shape as `bench/extract-formats.ts`.
 */
export async function ensureOrdersXlsx(path: string, rows: number): Promise<void> {
  if (existsSync(path)) return;
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial.xlsx`;
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: true, useSharedStrings: true });
  const sheet = writer.addWorksheet('orders');
  sheet.addRow(['Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency', 'Service_Start_Date', 'Service_End_Date']).commit();
  for (let i = 0; i < rows; i += 1) {
    const row = sheet.addRow([
      `SO-${i}`,
      `SO-${i}-1`,
      `C-${i % 1000}`,
      `P-${i % 50}`,
      new Date(Date.UTC(2024, i % 12, 1 + (i % 28))),
      (i % 10) + 1,
      (i % 1000) + 0.25,
      'USD',
      new Date(Date.UTC(2024, 0, 1)),
      new Date(Date.UTC(2024, 11, 31)),
    ]);
    for (const c of [5, 9, 10]) row.getCell(c).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  sheet.commit();
  await writer.commit();
  await rename(partial, path);
}
