import { join } from 'node:path';
import { RECORD_TYPE_NAMES, type RecordTypeName } from '../record-types.js';
import { CsvFileWriter, csvField } from './csv-file-writer.js';
import { mapHeader, type HeaderMap } from './header-map.js';
import { InflateBudget } from './inflate-budget.js';
import { LoadFailureError } from './load-failure.js';
import type { ArchiveLimits, IgnoredEntry, PreparedPart } from './prepared-file.js';
import { recordTypeOfSheet } from './record-type-matcher.js';
import { XlsxPackage, corrupt } from './xlsx-package.js';
import { SharedStrings, readSharedStrings } from './xlsx-shared-strings.js';
import { SheetReader, type SheetContext, type SheetRowSink } from './xlsx-sheet-reader.js';
import { readDateStyles, readWorkbook, type WorkbookTab } from './xlsx-workbook-reader.js';
import { readXmlPart } from './xlsx-xml-part.js';

export interface XlsxContext {
  readonly fileName: string;
  readonly limits: ArchiveLimits;
  readonly tempDir: () => Promise<string>;
}

/** Characters of CSV buffered before the rows are handed to the file stream (see convertSheet). */
const FLUSH_CHARS = 64 * 1024;
/**
 * Most CSV characters one chunk of sheet XML may produce before it is flushed. Shared strings amplify: a few bytes
 * of XML (`<c t="s"><v>7</v></c>`) stand for a whole string, so a crafted sheet could otherwise build a string
 * beyond memory (or beyond V8's string length limit) before the output cap is checked between chunks. A real
 * 16 KiB chunk, even of 32,767-character cells (Excel's maximum), stays far below.
 */
const MAX_PENDING_CHARS = 64 * 1024 * 1024;

/** Name of the field that holds the sheet row number in the converted CSV (field 0). */
export const XLSX_ROW_FIELD = '__row';

/**
 * Streams every tab named after a record type into a temporary CSV: field 0 is the sheet row number (so lineage
 * points at the real row), then the cells as text (`xlsx-sheet-reader.ts`). The package is read with yauzl
 * ({@link XlsxPackage}: random access, so the order of the parts does not matter), the workbook, its relationships,
 * styles and shared strings first, then each typed tab's sheet part, streamed: memory holds the shared strings and
 * one chunk of XML, whatever the number of rows. Other tabs are skipped and reported. Empty rows are not records;
 * a row with cells right of the header keeps them, so DuckDB rejects it as having too many fields rather than
 * losing them. A tab that cannot be read to its end fails the whole workbook (CORRUPT_XLSX naming the tab): never
 * a shorter file.
 * @throws LoadFailureError CORRUPT_XLSX, ZIP_TOO_LARGE, UNKNOWN_FILE_TYPE, EMPTY_FILE, MISSING_COLUMN, DUPLICATE_COLUMN.
 */
export async function prepareXlsx(path: string, context: XlsxContext): Promise<{ parts: PreparedPart[]; ignored: IgnoredEntry[] }> {
  const { fileName } = context;
  const pkg = await XlsxPackage.open(path, fileName, context.limits);
  const parts: PreparedPart[] = [];
  const ignored: IgnoredEntry[] = [];
  const emptyTabs: string[] = [];
  try {
    const book = await readWorkbook(pkg, fileName);
    const typed = new Map<WorkbookTab, RecordTypeName>();
    const skip = new Map<WorkbookTab, string>();
    for (const tab of book.tabs) {
      const type = recordTypeOfSheet(tab.name);
      if (type === undefined) skip.set(tab, `no record type is named like this tab (expected one of ${RECORD_TYPE_NAMES.join(', ')})`);
      else if (tab.part === undefined) skip.set(tab, `the tab is ${tab.notWorksheet ?? 'not a worksheet'}, not a worksheet of rows`);
      else if (!pkg.has(tab.part)) throw corrupt({ fileName, tab: tab.name }, `its sheet part ${tab.part} is missing from the package`);
      else typed.set(tab, type);
    }
    if (typed.size === 0) {
      const tabs = book.tabs.map((t) => `"${t.name}"`).join(', ') || 'none';
      throw new LoadFailureError('UNKNOWN_FILE_TYPE', `${fileName}: no tab is named after a record type (tabs: ${tabs}). Name each tab like its record type: ${RECORD_TYPE_NAMES.join(', ')}.`);
    }
    const sheetContext: SheetContext = {
      dateStyles: book.stylesPart !== undefined && pkg.has(book.stylesPart) ? await readDateStyles(pkg, book.stylesPart, fileName) : [],
      sharedStrings: book.sharedStringsPart !== undefined && pkg.has(book.sharedStringsPart) ? await readSharedStrings(pkg, book.sharedStringsPart, fileName) : new SharedStrings(),
      date1904: book.date1904,
    };
    const output = new InflateBudget(context.limits);
    for (const tab of book.tabs) {
      const type = typed.get(tab);
      if (type === undefined || tab.part === undefined) {
        ignored.push({ name: tab.name, reason: skip.get(tab) ?? 'not read' });
        continue;
      }
      const csvPath = join(await context.tempDir(), `xlsx-sheet-${parts.length + emptyTabs.length + 1}.csv`);
      const part = await convertSheet(pkg, { name: tab.name, part: tab.part }, type, csvPath, { fileName, sheetContext, output });
      if (part) parts.push(part);
      else {
        emptyTabs.push(tab.name);
        ignored.push({ name: tab.name, reason: 'the tab is empty (no header row)' });
      }
    }
  } finally {
    pkg.close();
  }
  if (parts.length === 0) {
    throw new LoadFailureError('EMPTY_FILE', `${fileName}: the tabs named after record types (${emptyTabs.join(', ')}) are empty; there is nothing to load.`);
  }
  return { parts, ignored };
}

/**
 * Streams one sheet part into `csvPath`. The first row with a non-empty cell is the header; a part that ends
 * without one is an empty tab (undefined). Rows are encoded in place (row number, then one field per column up to
 * the last filled one or the header width) into the writer's buffer, which is flushed between chunks of XML.
 */
async function convertSheet(
  pkg: XlsxPackage,
  tab: { name: string; part: string },
  type: RecordTypeName,
  csvPath: string,
  context: { fileName: string; sheetContext: SheetContext; output: InflateBudget },
): Promise<PreparedPart | undefined> {
  const display = `${context.fileName}, tab "${tab.name}"`;
  const where = { fileName: context.fileName, tab: tab.name };
  let writer: CsvFileWriter | undefined;
  let headerMap: HeaderMap | undefined;
  let width = 0;
  let counted = 0;
  let buffered = 0;
  const sink: SheetRowSink = {
    row(rowNumber, columns, texts, count) {
      if (writer === undefined) {
        const headers: string[] = new Array<string>(columns[count - 1]!).fill('');
        for (let i = 0; i < count; i += 1) headers[columns[i]! - 1] = texts[i]!;
        headerMap = mapHeader(type, headers, { display, entryName: tab.name, fieldOffset: 1 });
        width = headers.length;
        writer = CsvFileWriter.open(csvPath);
        writer.append([XLSX_ROW_FIELD, ...headers.map(csvField)].join(','));
        return;
      }
      let record = String(rowNumber);
      let written = 0;
      for (let i = 0; i < count; i += 1) {
        const column = columns[i]!;
        record += (column - written === 1 ? ',' : ','.repeat(column - written)) + csvField(texts[i]!);
        written = column;
        if (record.length > MAX_PENDING_CHARS) tooLarge(record.length);
      }
      if (written < width) record += ','.repeat(width - written);
      writer.append(record);
      buffered += record.length;
      // Characters are a lower bound of UTF-8 bytes, so this refuses nothing the byte count would accept.
      if (buffered > MAX_PENDING_CHARS || context.output.inflated + buffered > context.output.limits.maxTotalBytes) tooLarge(buffered);
    },
  };
  const tooLarge = (pending: number): never => {
    const reached = context.output.inflated + pending;
    const max = context.output.limits.maxTotalBytes;
    const what =
      reached > max
        ? `the converted sheets reached at least ${reached} bytes, over the cap of ${max}`
        : `a few KiB of sheet XML convert to more than ${MAX_PENDING_CHARS} characters (shared strings repeated in many cells)`;
    throw new LoadFailureError('ZIP_TOO_LARGE', `${display}: ${what}; conversion stopped. Split the workbook, or raise the source's archive limits if it is expected.`, tab.name);
  };
  const countOutput = (): void => {
    const current = writer?.bytes ?? 0;
    const exceeded = context.output.addOutput(current - counted);
    counted = current;
    if (exceeded) throw new LoadFailureError('ZIP_TOO_LARGE', `${display}: ${exceeded}; conversion stopped. Split the workbook, or raise the source's archive limits if it is expected.`, tab.name);
  };
  const reader = new SheetReader(context.sheetContext, sink);
  try {
    // Flushing every 64 Ki characters (not only when the writer's 1 MiB buffer is full) hands the rows to the file
    // stream while their strings are young: a full buffer keeps ~100k small strings alive across garbage
    // collections, which then copy and promote them (measured: GC went from ~330 to ~100 ms per 100k rows).
    await readXmlPart(pkg, tab.part, where, reader, () => {
      if (writer === undefined || buffered < FLUSH_CHARS) return undefined;
      buffered = 0;
      return writer.flush().then(countOutput);
    });
    try {
      reader.finish();
    } catch (error) {
      throw corrupt(where, `the part ${tab.part}: ${(error as Error).message}`, error);
    }
    if (writer === undefined || headerMap === undefined) return undefined;
    await writer.close();
    countOutput();
    const done: CsvFileWriter = writer;
    writer = undefined;
    return { type, csvPath, entryName: tab.name, headerMap, rowNumbers: { kind: 'field' }, bytes: done.bytes };
  } finally {
    await writer?.abort();
  }
}
