import ExcelJS from 'exceljs';
import type { Cell, Style } from 'exceljs';
import type { DetailColumn } from './revenue-detail-query.js';
import { numberFormat } from './revenue-detail-query.js';

/** The report header block of seed 003 (XLSX only): label → value, one row each. */
export type HeaderBlock = readonly (readonly [string, string])[];

/**
 * Streams the revenue detail report into an XLSX workbook with exceljs' streaming writer (rows are committed as they
 * come; the workbook is never held in memory). Amounts stay exact: a numeric cell's `<v>` is written from the
 * decimal text the warehouse produced (never through a JS number), with a number format of the currency's decimals.
 * Dates are date cells.
 */
export class RevenueDetailXlsxWriter {
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #sheet: ExcelJS.Worksheet;
  readonly #columns: readonly DetailColumn[];
  readonly #homeDecimals: number;
  rows = 0;

  constructor(path: string, columns: readonly DetailColumn[], header: HeaderBlock, homeDecimals: number) {
    this.#workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
    this.#sheet = this.#workbook.addWorksheet('Revenue Detail');
    this.#columns = columns;
    this.#homeDecimals = homeDecimals;
    for (const [label, value] of header) {
      const row = this.#sheet.addRow([label, value]);
      row.getCell(1).font = { bold: true };
      row.commit();
    }
    this.#sheet.addRow([]).commit();
    const titles = this.#sheet.addRow(columns.map((c) => c.header));
    titles.font = { bold: true };
    titles.commit();
  }

  /** One report row: cells as text (exact decimals, YYYY-MM-DD dates, null for empty) and the row's transaction decimals. */
  addRow(values: readonly (string | null)[], txnDecimals: number): void {
    const row = this.#sheet.addRow([]);
    this.#columns.forEach((column, i) => {
      const value = values[i];
      if (value === null || value === undefined) return;
      const cell = row.getCell(i + 1);
      switch (column.kind) {
        case 'text':
          cell.value = value;
          break;
        case 'date': {
          const [y, m, d] = value.split('-').map(Number) as [number, number, number];
          cell.value = new Date(Date.UTC(y, m - 1, d));
          cell.numFmt = numberFormat('date', 0)!;
          break;
        }
        case 'txn':
        case 'home':
        case 'rounding':
        case 'rate':
          exactNumber(cell, value, numberFormat(column.kind, column.kind === 'txn' ? txnDecimals : this.#homeDecimals)!);
          break;
        default:
          throw new Error(`Unexpected column kind ${String(column.kind)}`);
      }
    });
    row.commit();
    this.rows++;
  }

  async finish(): Promise<void> {
    this.#sheet.commit();
    await this.#workbook.commit();
  }
}

/**
 * A numeric cell whose stored value is exactly `decimalText`. exceljs writes a number cell's model value verbatim
 * into `<v>`; setting the model (rather than `cell.value = Number(...)`) keeps the value from ever being a double.
 */
function exactNumber(cell: Cell, decimalText: string, numFmt: string): void {
  cell.model = {
    address: cell.address,
    type: ExcelJS.ValueType.Number,
    value: decimalText,
    style: { numFmt } as Style,
  } as unknown as Cell['model'];
}
