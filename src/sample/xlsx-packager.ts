import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ExcelJS from 'exceljs';
import { isValidIsoDate } from './civil-date.js';
import { rewriteZipDeterministic } from './zip-packager.js';

/** One tab of the workbook, filled from one generated CSV. */
export interface SheetSource {
  readonly sheet: string;
  readonly csvPath: string;
}

const DATE_COLUMN = /(_Date|^Effective_From)$/;
const NUMBER_COLUMNS = new Set([
  'Quantity',
  'List_Price',
  'Sale_Price',
  'SSP',
  'Billing_Amount',
  'Commission_Amount',
  'Rate',
  'Amount',
]);
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Writes an XLSX workbook, one tab per source CSV, with exceljs' streaming writer (rows are committed as they are
 * read, so memory stays flat). Valid dates become real date cells (`yyyy-mm-dd`), as inputs.md expects of XLSX;
 * malformed ones stay text, like a person's typo would. Numeric columns become number cells only when the decimal
 * text survives the round trip exactly (the cell's XML holds the same digits, trailing zeros aside); anything else,
 * including the deliberately bad numbers, stays text. The archive is re-written with fixed timestamps.
 */
export async function writeXlsx(
  xlsxPath: string,
  sheets: readonly SheetSource[],
  stamp: { created: Date; mtime: Date },
): Promise<void> {
  const raw = `${xlsxPath}.exceljs.tmp`;
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: raw,
      useStyles: true,
      useSharedStrings: false,
    });
    workbook.creator = 'revrec sample';
    workbook.lastModifiedBy = 'revrec sample';
    workbook.created = stamp.created;
    workbook.modified = stamp.created;
    for (const source of sheets) {
      const worksheet = workbook.addWorksheet(source.sheet);
      let header: string[] | undefined;
      const lines = createInterface({ input: createReadStream(source.csvPath, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        const fields = parseCsvLine(line);
        if (header === undefined) {
          header = fields;
          worksheet.addRow(fields).commit();
          continue;
        }
        const row = worksheet.addRow(fields.map((v, i) => cellValue(header?.[i] ?? '', v)));
        fields.forEach((v, i) => {
          if (DATE_COLUMN.test(header?.[i] ?? '') && isValidIsoDate(v)) row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
        });
        row.commit();
      }
      worksheet.commit();
    }
    await workbook.commit();
    await rewriteZipDeterministic(raw, xlsxPath, stamp.mtime);
  } finally {
    await rm(raw, { force: true });
  }
}

function cellValue(column: string, text: string): string | number | Date | null {
  if (text === '') return null;
  if (DATE_COLUMN.test(column) && isValidIsoDate(text)) {
    return new Date(Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))));
  }
  if (NUMBER_COLUMNS.has(column) && PLAIN_DECIMAL.test(text) && String(Number(text)) === withoutTrailingZeros(text)) {
    return Number(text);
  }
  return text;
}

function withoutTrailingZeros(text: string): string {
  const t = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return t === '-0' ? '0' : t;
}

/** Splits one line of the generator's own CSV (RFC 4180 quoting, never a line break inside a field). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`Unexpected: unterminated quote in generated CSV line: ${line}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      fields.push(comma < 0 ? line.slice(i) : line.slice(i, comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) break;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      break;
    }
  }
  return fields;
}

/** Path helper for callers that build sheet lists from a folder. */
export function sheetFrom(dir: string, csvName: string, sheet: string): SheetSource {
  return { sheet, csvPath: join(dir, csvName) };
}
