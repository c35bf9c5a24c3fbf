import { LoadFailureError } from './load-failure.js';
import { decodeOoxmlEscapes } from './xlsx-cell-format.js';
import type { XlsxPackage } from './xlsx-package.js';
import { XmlPartHandler, readXmlPart } from './xlsx-xml-part.js';
import { readAttributes } from './xlsx-xml-tokenizer.js';

/**
 * The shared-string table is the one thing held in memory (cells refer to it by index from anywhere in any sheet).
 * It is capped so that a crafted workbook cannot exhaust the heap: 256 Mi characters (about 256-512 MiB of text).
 */
export const MAX_SHARED_STRING_CHARS = 256 * 1024 * 1024;

/** Characters per block of the table: big enough to be few objects, small enough to build without a large copy. */
const BLOCK_CHARS = 256 * 1024;
/** A `uniqueCount` above this is not trusted for preallocation (24 MiB; a larger table grows as strings come). */
const MAX_RESERVED = 2 * 1024 * 1024;

/**
 * The shared strings, stored as a few large blocks of text plus three numbers per string (block, start, length)
 * instead of one JavaScript string each: a workbook of 1M rows easily has 2M unique strings, and as separate
 * objects they cost a 16-24 byte header each and, worse, a garbage collector that copies and traces them on every
 * pass while the sheets are read. {@link get} slices the text out (short-lived, cheap to collect).
 */
export class SharedStrings {
  private readonly blocks: string[] = [];
  private pieces: string[] = [];
  private pieceChars = 0;
  private index = new Uint32Array(3 * 1024);
  private count = 0;
  private chars = 0;

  /** Number of strings in the table. */
  get size(): number {
    return this.count;
  }

  /** The string at `i`, or undefined when the table has no such index. */
  get(i: number): string | undefined {
    if (!(i >= 0 && i < this.count) || !Number.isInteger(i)) return undefined;
    const at = 3 * i;
    const start = this.index[at + 1]!;
    return this.blocks[this.index[at]!]!.slice(start, start + this.index[at + 2]!);
  }

  /** Makes room for `count` strings at once (the part's `uniqueCount`), so the index is not grown by doubling. */
  reserve(count: number): void {
    if (!Number.isInteger(count) || count <= this.index.length / 3 || count > MAX_RESERVED) return;
    const grown = new Uint32Array(3 * count);
    grown.set(this.index.subarray(0, 3 * this.count));
    this.index = grown;
  }

  /** Appends a string; false (nothing added) when the table would exceed `maxChars`. */
  push(value: string, maxChars: number): boolean {
    if (this.chars + value.length > maxChars) return false;
    this.chars += value.length;
    if (3 * this.count + 3 > this.index.length) {
      const grown = new Uint32Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    const at = 3 * this.count;
    this.index[at] = this.blocks.length; // the block being built is sealed as the next one
    this.index[at + 1] = this.pieceChars;
    this.index[at + 2] = value.length;
    this.count += 1;
    this.pieces.push(value);
    this.pieceChars += value.length;
    if (this.pieceChars >= BLOCK_CHARS) this.seal();
    return true;
  }

  /** Seals the block being built; call once all strings are in. */
  seal(): void {
    if (this.pieces.length === 0) return;
    this.blocks.push(this.pieces.join(''));
    this.pieces = [];
    this.pieceChars = 0;
  }
}

/**
 * Reads `xl/sharedStrings.xml`: one string per `<si>`, plain (`<t>`) or rich text (the `<t>` of every run `<r>`
 * joined; phonetic guides `<rPh>` left out), `_xHHHH_` escapes decoded.
 * @throws LoadFailureError CORRUPT_XLSX when the part is malformed, ZIP_TOO_LARGE over {@link MAX_SHARED_STRING_CHARS}.
 */
export async function readSharedStrings(pkg: XlsxPackage, part: string, fileName: string, maxChars = MAX_SHARED_STRING_CHARS): Promise<SharedStrings> {
  const handler = new SharedStringsHandler(fileName, maxChars);
  await readXmlPart(pkg, part, { fileName }, handler);
  handler.strings.seal();
  return handler.strings;
}

class SharedStringsHandler extends XmlPartHandler {
  protected readonly root = 'sst';
  readonly strings = new SharedStrings();
  private names = { si: 'si', t: 't', rPh: 'rPh' };
  private inItem = false;
  private phonetic = 0;
  private current = '';
  private reserved = false;

  constructor(
    private readonly fileName: string,
    private readonly maxChars: number,
  ) {
    super();
  }

  protected override started(): void {
    const p = this.prefix;
    this.names = { si: `${p}si`, t: `${p}t`, rPh: `${p}rPh` };
  }

  protected open(name: string, attributes: string): void {
    const n = this.names;
    if (!this.reserved) {
      this.reserved = true; // the root element <sst count uniqueCount>
      readAttributes(attributes, this);
      return;
    }
    if (name === n.t) {
      if (this.inItem && this.phonetic === 0) this.tokenizer.captureText = true;
    } else if (name === n.si) {
      this.inItem = true;
      this.current = '';
    } else if (name === n.rPh) this.phonetic += 1;
  }

  attribute(name: string, value: string): void {
    if (name === 'uniqueCount') this.strings.reserve(Number(value));
  }

  override text(text: string): void {
    this.current = this.current === '' ? text : this.current + text;
  }

  closeTag(name: string): void {
    const n = this.names;
    if (name === n.t) this.tokenizer.captureText = false;
    else if (name === n.si) {
      this.inItem = false;
      const value = decodeOoxmlEscapes(this.current);
      this.current = '';
      if (!this.strings.push(value, this.maxChars)) {
        throw new LoadFailureError(
          'ZIP_TOO_LARGE',
          `${this.fileName}: the shared-string table holds more than ${this.maxChars} characters (${this.strings.size} strings so far); it is read into memory, so the workbook was refused. Split it, or deliver the data as CSV.`,
        );
      }
    } else if (name === n.rPh) this.phonetic -= 1;
  }
}
