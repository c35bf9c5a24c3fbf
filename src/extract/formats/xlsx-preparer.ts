import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { RECORD_TYPE_NAMES, type RecordTypeName } from '../record-types.js';
import { CsvFileWriter, csvField } from './csv-file-writer.js';
import { mapHeader } from './header-map.js';
import { InflateBudget } from './inflate-budget.js';
import { LoadFailureError } from './load-failure.js';
import type { ArchiveLimits, IgnoredEntry, PreparedPart } from './prepared-file.js';
import { recordTypeOfSheet } from './record-type-matcher.js';
import { cellText } from './xlsx-cell-format.js';

export interface XlsxContext {
  readonly fileName: string;
  readonly limits: ArchiveLimits;
  readonly tempDir: () => Promise<string>;
}

/** The parts of exceljs's streaming reader used here (its typings omit the sheet name and workbook properties). */
interface SheetReader extends AsyncIterable<SheetRow> {
  readonly name: string;
  /** The sheet's XML: a read stream of a temporary file when exceljs had to defer the sheet, else a generator. */
  readonly iterator?: { destroy?: () => void; on?: (event: 'error', listener: () => void) => unknown };
}
interface SheetCell {
  readonly value: unknown;
  readonly numFmt?: string;
}
interface SheetRow {
  readonly number: number;
  eachCell(callback: (cell: SheetCell, column: number) => void): void;
}
interface WorkbookReader extends AsyncIterable<SheetReader> {
  readonly model?: unknown;
  readonly properties?: { readonly model?: { readonly date1904?: boolean } };
}

/** Name of the field that holds the sheet row number in the converted CSV (field 0). */
export const XLSX_ROW_FIELD = '__row';

/**
 * Streams every tab named after a record type into a temporary CSV: field 0 is the sheet row number (so lineage
 * points at the real row), then the cells as text ({@link cellText}). Memory stays flat: exceljs's
 * `WorkbookReader` emits one row at a time and {@link CsvFileWriter} waits for the disk. Other tabs are skipped and
 * reported. Empty rows are not records and are skipped; a row with cells right of the header keeps them, so
 * DuckDB rejects it as having too many fields rather than losing them.
 * @throws LoadFailureError CORRUPT_XLSX, ZIP_TOO_LARGE, UNKNOWN_FILE_TYPE, EMPTY_FILE, MISSING_COLUMN, DUPLICATE_COLUMN.
 */
export async function prepareXlsx(path: string, context: XlsxContext): Promise<{ parts: PreparedPart[]; ignored: IgnoredEntry[] }> {
  const { fileName } = context;
  await checkContainer(path, context);
  const budget = new InflateBudget(context.limits);
  const parts: PreparedPart[] = [];
  const ignored: IgnoredEntry[] = [];
  const emptyTabs: string[] = [];
  const input = createReadStream(path);
  let current: SheetReader | undefined;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // number formats tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReader;
  // Iterated by hand: exceljs parks sheets that precede the shared strings in temporary files (an open descriptor
  // each) and releases them only when its generator moves past them, which a `for await` cut short never does.
  const sheets = reader[Symbol.asyncIterator]();
  try {
    for (let next = await sheets.next(); next.done !== true; next = await sheets.next()) {
      const sheet = next.value;
      const type = recordTypeOfSheet(sheet.name);
      if (type === undefined) {
        ignored.push({ name: sheet.name, reason: `no record type is named like this tab (expected one of ${RECORD_TYPE_NAMES.join(', ')})` });
        closeSheetStream(sheet); // not read
        continue;
      }
      const date1904 = reader.properties?.model?.date1904 === true;
      const csvPath = join(await context.tempDir(), `xlsx-sheet-${parts.length + emptyTabs.length + 1}.csv`);
      current = sheet;
      const part = await convertSheet(sheet, type, csvPath, { fileName, date1904, budget });
      current = undefined;
      if (part) parts.push(part);
      else {
        emptyTabs.push(sheet.name);
        ignored.push({ name: sheet.name, reason: 'the tab is empty (no header row)' });
      }
    }
    if (reader.model === undefined) throw new Error('the workbook part (xl/workbook.xml) is missing');
  } catch (error) {
    if (current) closeSheetStream(current); // a sheet abandoned half-read
    await releaseRemainingSheets(sheets);
    if (error instanceof LoadFailureError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LoadFailureError('CORRUPT_XLSX', `${fileName}: not a readable .xlsx workbook (${reason}). Open it in Excel, save it again as .xlsx (or as CSV UTF-8) and deliver it again.`, undefined, { cause: error });
  } finally {
    input.destroy();
  }
  if (parts.length === 0) {
    if (emptyTabs.length > 0) throw new LoadFailureError('EMPTY_FILE', `${fileName}: the tabs named after record types (${emptyTabs.join(', ')}) are empty; there is nothing to load.`);
    const tabs = ignored.map((i) => `"${i.name}"`).join(', ') || 'none';
    throw new LoadFailureError('UNKNOWN_FILE_TYPE', `${fileName}: no tab is named after a record type (tabs: ${tabs}). Name each tab like its record type: ${RECORD_TYPE_NAMES.join(', ')}.`);
  }
  return { parts, ignored };
}

async function convertSheet(
  sheet: SheetReader,
  type: RecordTypeName,
  csvPath: string,
  context: { fileName: string; date1904: boolean; budget: InflateBudget },
): Promise<PreparedPart | undefined> {
  const display = `${context.fileName}, tab "${sheet.name}"`;
  let writer: CsvFileWriter | undefined;
  let width = 0;
  let headerMap: ReturnType<typeof mapHeader> | undefined;
  let previousRow = 0;
  let counted = 0;
  const text = (cell: SheetCell): string => {
    const value = cell.value;
    const formula = value !== null && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value);
    return cellText(value, formula ? cell.numFmt : undefined, context.date1904);
  };
  try {
    for await (const row of sheet) {
      const rowNumber = Number.isFinite(row.number) ? row.number : previousRow + 1;
      previousRow = rowNumber;
      if (headerMap === undefined || writer === undefined) {
        const texts: string[] = [];
        row.eachCell((cell, column) => {
          const t = text(cell);
          if (t !== '') texts[column - 1] = t;
        });
        if (texts.length === 0) continue; // an empty row is no record
        const headers = Array.from(texts, (t) => t ?? '');
        headerMap = mapHeader(type, headers, { display, entryName: sheet.name, fieldOffset: 1 });
        width = headers.length;
        writer = CsvFileWriter.open(csvPath);
        await writer.writeRecord([XLSX_ROW_FIELD, ...headers.map(csvField)]);
        continue;
      }
      // The record is built in place (row number, then one field per column up to the last filled one or the
      // header width): no arrays per row, and no await unless the write buffer is full.
      let record = String(rowNumber);
      let written = 0;
      row.eachCell((cell, column) => {
        const t = text(cell);
        if (t === '') return;
        record += ','.repeat(column - written) + csvField(t);
        written = column;
      });
      if (written === 0) continue; // an empty row is no record
      if (written < width) record += ','.repeat(width - written);
      if (!writer.append(record)) continue;
      await writer.flush();
      const exceeded = context.budget.addOutput(writer.bytes - counted);
      counted = writer.bytes;
      if (exceeded) throw new LoadFailureError('ZIP_TOO_LARGE', `${display}: ${exceeded}; conversion stopped. Split the workbook, or raise the source's archive limits if it is expected.`, sheet.name);
    }
    if (writer === undefined || headerMap === undefined) return undefined;
    await writer.close();
    const exceeded = context.budget.addOutput(writer.bytes - counted);
    if (exceeded) throw new LoadFailureError('ZIP_TOO_LARGE', `${display}: ${exceeded}; conversion stopped. Split the workbook, or raise the source's archive limits if it is expected.`, sheet.name);
    const total = writer.bytes;
    writer = undefined;
    return { type, csvPath, entryName: sheet.name, headerMap, rowNumbers: { kind: 'field' }, bytes: total };
  } finally {
    await writer?.abort();
  }
}

/**
 * Closes the temporary-file stream of a deferred sheet that is not (or no longer) read. The stream may still be
 * opening when exceljs deletes its file, so its error is expected and ignored.
 */
function closeSheetStream(sheet: SheetReader): void {
  const stream = sheet.iterator;
  if (typeof stream?.destroy !== 'function') return; // not deferred: exceljs drains the ZIP entry itself
  stream.on?.('error', () => undefined);
  stream.destroy();
}

/** Lets exceljs run past the sheets not read (closing each), so it releases their temporary files. */
async function releaseRemainingSheets(sheets: AsyncIterator<SheetReader>): Promise<void> {
  try {
    for (let next = await sheets.next(); next.done !== true; next = await sheets.next()) closeSheetStream(next.value);
  } catch {
    // The workbook is being refused anyway; whatever exceljs left open goes at process exit (tmp's graceful cleanup).
  }
}

/**
 * Checks the workbook's container before exceljs streams it: the right signature, a readable central directory
 * (exceljs's streaming unzip would read a truncated file without complaint) and the declared sizes within the caps.
 */
async function checkContainer(path: string, context: XlsxContext): Promise<void> {
  const { fileName } = context;
  const head = Buffer.alloc(8);
  const handle = await open(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 8, 0));
  } finally {
    await handle.close();
  }
  if (read === 0) throw new LoadFailureError('EMPTY_FILE', `${fileName}: the file is empty (0 bytes). Deliver the workbook again.`);
  if (head.readUInt32BE(0) === 0xd0cf11e0) {
    throw new LoadFailureError('CORRUPT_XLSX', `${fileName}: this is a legacy .xls workbook or a password-protected one, not an .xlsx; save it as .xlsx without a password (or as CSV UTF-8).`);
  }
  if (head[0] !== 0x50 || head[1] !== 0x4b) {
    throw new LoadFailureError('CORRUPT_XLSX', `${fileName}: not an .xlsx workbook (an .xlsx is a ZIP package; this file starts with other bytes). Save it from Excel as .xlsx and deliver it again.`);
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, autoClose: false });
  } catch (error) {
    throw new LoadFailureError('CORRUPT_XLSX', `${fileName}: not a readable .xlsx workbook (${(error as Error).message}). The file may be truncated: deliver it again.`, undefined, { cause: error });
  }
  const budget = new InflateBudget(context.limits);
  try {
    if (zip.entryCount > context.limits.maxEntries) {
      throw new LoadFailureError('ZIP_TOO_LARGE', `${fileName}: the workbook package has ${zip.entryCount} parts, over the cap of ${context.limits.maxEntries}.`);
    }
    for await (const entry of zip.eachEntry()) {
      const exceeded = budget.checkDeclared(entry.fileName, entry.compressedSize, entry.uncompressedSize);
      if (exceeded) throw new LoadFailureError('ZIP_TOO_LARGE', `${fileName}: ${exceeded}. Split the workbook, or raise the source's archive limits if it is expected.`);
    }
  } catch (error) {
    if (error instanceof LoadFailureError) throw error;
    throw new LoadFailureError('CORRUPT_XLSX', `${fileName}: not a readable .xlsx workbook (${(error as Error).message}). Deliver it again.`, undefined, { cause: error });
  } finally {
    zip.close();
  }
}
