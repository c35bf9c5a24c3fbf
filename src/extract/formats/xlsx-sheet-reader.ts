import { FORMULA_ERROR_TEXT, decodeOoxmlEscapes, formatNumber, isoDateCellText, serialDateText } from './xlsx-cell-format.js';
import type { SharedStrings } from './xlsx-shared-strings.js';
import { PartContentError, XmlPartHandler } from './xlsx-xml-part.js';
import { attributeValue, scanAttributes } from './xlsx-xml-tokenizer.js';

/** What a sheet's cells refer to: the workbook's shared strings, which styles are dates, the date system. */
export interface SheetContext {
  readonly sharedStrings: Pick<SharedStrings, 'get' | 'size'>;
  /** Per cell style index (`s`): whether its number format shows a date. */
  readonly dateStyles: readonly boolean[];
  readonly date1904: boolean;
}

/** Receives the rows of a sheet as they are read. */
export interface SheetRowSink {
  /**
   * One `<row>` that holds at least one non-empty cell: `columns[i]` (1-based, ascending) holds `texts[i]`, for
   * `i < count`. The arrays are reused for the next row: copy what must outlive the call.
   */
  row(rowNumber: number, columns: readonly number[], texts: readonly string[], count: number): void;
}

/** Excel's limits: columns A…XFD, rows 1…1,048,576. */
const MAX_COLUMN = 16_384;
const MAX_ROW = 1_048_576;

const enum Attrs {
  Row,
  Cell,
}

/**
 * Streams a worksheet part (`<sheetData><row r><c r s t><v>|<f>|<is>…`) into rows of cell texts, by the rules of
 * inputs.md (see `xlsx-cell-format.ts`): shared (`s`) and inline (`inlineStr`) strings, rich text joined; numbers
 * as plain decimals, dates (numbers in a date style) as `YYYY-MM-DD`; `t="d"` ISO dates likewise; booleans
 * `TRUE`/`FALSE`; formulas as their cached value (empty without one; an error result `#ERROR`); error cells their
 * code (`#N/A`). Only what is inside `<sheetData>` is read. Rows and cells without `r` follow the previous one.
 *
 * Fails (PartContentError) rather than guess: rows or cells out of order, a cell reference beyond XFD1048576, a
 * shared-string index the table does not have, an unknown cell type, a part without `<sheetData>`.
 */
export class SheetReader extends XmlPartHandler {
  protected readonly root = 'worksheet';
  private names = { sheetData: 'sheetData', row: 'row', c: 'c', v: 'v', f: 'f', is: 'is', t: 't', rPh: 'rPh' };
  private sheetDataSeen = false;
  private inSheetData = false;
  private inRow = false;
  private inCell = false;
  private attrs = Attrs.Row;

  private rowNumber = 0;
  /** Whether the `<row>` being opened has an `r`, and its text when that is not a number (for the message). */
  private rowGiven = false;
  private rowText = '';
  private readonly columns: number[] = [];
  private readonly texts: string[] = [];
  private count = 0;

  private column = 0;
  /** The cell's `r`: where it is in the raw attribute text, and its column (-1 when the cell has none). */
  private refRaw = '';
  private refStart = 0;
  private refEnd = 0;
  private refColumn = -1;
  private style = 0;
  private type = '';
  private value = '';
  private hasValue = false;
  private formula = false;
  private inline = false;
  private phonetic = 0;
  /** `<v>` text of a date cell → its date text: dates repeat a lot (cleared at 4,096 entries). */
  private readonly dates = new Map<string, string>();

  constructor(
    private readonly context: SheetContext,
    private readonly sink: SheetRowSink,
  ) {
    super();
  }

  protected override started(): void {
    const p = this.prefix;
    this.names = { sheetData: `${p}sheetData`, row: `${p}row`, c: `${p}c`, v: `${p}v`, f: `${p}f`, is: `${p}is`, t: `${p}t`, rPh: `${p}rPh` };
  }

  /** Checks the part had its `<sheetData>` (call after the tokenizer's `end()`). */
  finish(): void {
    if (!this.sheetDataSeen) throw new PartContentError('the worksheet has no <sheetData> element');
  }

  protected open(name: string, attributes: string): void {
    const n = this.names;
    if (this.inCell) {
      if (name === n.v) {
        this.tokenizer.captureText = true;
        this.hasValue = true;
      } else if (name === n.f) this.formula = true;
      else if (name === n.is) this.inline = true;
      else if (name === n.t) {
        if (this.inline && this.phonetic === 0) this.tokenizer.captureText = true;
      } else if (name === n.rPh) this.phonetic += 1;
      return;
    }
    if (this.inRow) {
      if (name === n.c) this.openCell(attributes);
      return;
    }
    if (this.inSheetData) {
      if (name === n.row) this.openRow(attributes);
    } else if (name === n.sheetData) {
      this.sheetDataSeen = true;
      this.inSheetData = true;
    }
  }

  override text(text: string): void {
    this.value = this.value === '' ? text : this.value + text;
  }

  closeTag(name: string): void {
    const n = this.names;
    if (this.inCell) {
      if (name === n.c) this.closeCell();
      else if (name === n.v || name === n.t) this.tokenizer.captureText = false;
      else if (name === n.rPh) this.phonetic -= 1;
    } else if (this.inRow) {
      if (name === n.row) this.closeRow();
    } else if (name === n.sheetData) this.inSheetData = false;
  }

  /** Attributes of `<row>` (`r`) and `<c>` (`r`, `s`, `t`), compared by character code: the hot path. */
  rawAttribute(raw: string, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, plain: boolean): void {
    if (nameEnd - nameStart !== 1) return; // spans, ht, x14ac:dyDescent, cm, vm, ph, …
    const name = raw.charCodeAt(nameStart);
    if (this.attrs === Attrs.Cell) {
      if (name === 114 /* r */) {
        // Only the column is needed; the reference's text is sliced for messages alone.
        this.refRaw = raw;
        this.refStart = valueStart;
        this.refEnd = valueEnd;
        this.refColumn = plain ? columnOf(raw, valueStart, valueEnd) : 0;
      }
      else if (name === 115 /* s */) this.style = plain ? digits(raw, valueStart, valueEnd) : Number(attributeValue(raw, valueStart, valueEnd, plain));
      else if (name === 116 /* t */) this.type = attributeValue(raw, valueStart, valueEnd, plain);
    } else if (name === 114) {
      this.rowGiven = true;
      this.rowNumber = plain ? digits(raw, valueStart, valueEnd) : Number.NaN;
      if (Number.isNaN(this.rowNumber)) this.rowText = attributeValue(raw, valueStart, valueEnd, plain);
    }
  }

  private openRow(attributes: string): void {
    const previous = this.rowNumber;
    this.rowGiven = false;
    this.attrs = Attrs.Row;
    scanAttributes(attributes, this);
    if (!this.rowGiven) this.rowNumber = previous + 1;
    else {
      const row = this.rowNumber;
      if (!(row >= 1 && row <= MAX_ROW)) throw new PartContentError(`a row number out of range (${JSON.stringify(Number.isNaN(row) ? this.rowText : String(row))})`);
      if (row <= previous) throw new PartContentError(`row ${row} comes after row ${previous} (rows out of order)`);
    }
    this.inRow = true;
    this.count = 0;
    this.column = 0;
  }

  private closeRow(): void {
    this.inRow = false;
    if (this.count > 0) this.sink.row(this.rowNumber, this.columns, this.texts, this.count);
  }

  private openCell(attributes: string): void {
    this.refColumn = -1;
    this.style = 0;
    this.type = '';
    this.attrs = Attrs.Cell;
    scanAttributes(attributes, this);
    const column = this.refColumn < 0 ? this.column + 1 : this.refColumn;
    if (column <= this.column) {
      throw new PartContentError(column === 0 ? `a cell reference ${JSON.stringify(this.ref)} that is not a cell` : `cell ${this.ref} in row ${this.rowNumber} comes after column ${this.column} (cells out of order)`);
    }
    if (column > MAX_COLUMN) throw new PartContentError(`cell reference ${JSON.stringify(this.ref)} lies beyond column XFD`);
    this.column = column;
    this.inCell = true;
    this.value = '';
    this.hasValue = false;
    this.formula = false;
    this.inline = false;
    this.phonetic = 0;
  }

  private closeCell(): void {
    this.inCell = false;
    this.tokenizer.captureText = false;
    const text = this.cellText();
    if (text === '') return;
    this.columns[this.count] = this.column;
    this.texts[this.count] = text;
    this.count += 1;
  }

  /** The cell's text by its type; `value` is the `<v>` text (or the inline string's). */
  private cellText(): string {
    const value = this.value;
    switch (this.type) {
      case 's': {
        if (!this.hasValue || value === '') return '';
        const text = this.context.sharedStrings.get(Number(value));
        if (text === undefined) {
          throw new PartContentError(`cell ${this.where()} refers to shared string ${JSON.stringify(value)}, but the table has ${this.context.sharedStrings.size}`);
        }
        return text;
      }
      case 'inlineStr':
      case 'str':
        return decodeOoxmlEscapes(value);
      case 'b':
        if (!this.hasValue || value === '') return '';
        return Number(value) !== 0 ? 'TRUE' : 'FALSE';
      case 'e':
        return this.formula ? FORMULA_ERROR_TEXT : value;
      case 'd':
        return value === '' ? '' : isoDateCellText(value.trim());
      case '':
      case 'n':
        return this.numberText(value);
      default:
        throw new PartContentError(`cell ${this.where()} has an unknown type t="${this.type}"`);
    }
  }

  private numberText(value: string): string {
    if (!this.hasValue || value === '') return '';
    if (this.context.dateStyles[this.style] === true) {
      let text = this.dates.get(value);
      if (text === undefined) {
        text = serialDateText(Number(value), this.context.date1904);
        if (this.dates.size >= 4096) this.dates.clear();
        this.dates.set(value, text);
      }
      return text;
    }
    return formatNumber(Number(value));
  }

  /** The cell reference as written (for messages). */
  private get ref(): string {
    return attributeValue(this.refRaw, this.refStart, this.refEnd, true);
  }

  private where(): string {
    return this.refColumn < 0 ? `in row ${this.rowNumber}, column ${this.column}` : this.ref;
  }
}

/** The non-negative integer written in `raw[start, end)`; NaN when it is empty or holds anything but digits. */
function digits(raw: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return Number.NaN;
  let n = 0;
  for (let i = start; i < end; i += 1) {
    const c = raw.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

/** `AB12` → 28 (the column of an A1 reference, or of `text[start, end)`); 0 when it does not start with letters. */
export function columnOf(text: string, start = 0, end = text.length): number {
  let column = 0;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) column = column * 26 + (c - 64);
    else if (c >= 97 && c <= 122) column = column * 26 + (c - 96);
    else break;
    if (column > MAX_COLUMN) return column;
  }
  return column;
}
