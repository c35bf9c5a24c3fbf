import { createReadStream } from 'node:fs';
import { open, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RecordTypeName } from '../record-types.js';
import { CONTROL_SAMPLE_BYTES, CsvContentScanner, type CsvScan } from './csv-content-scanner.js';
import { parseCsvHeader } from './csv-header-parser.js';
import { scanCsvStructure, type UnclosedQuote } from './csv-structure-scanner.js';
import { mapHeader } from './header-map.js';
import { lineOfOffset } from './line-of-offset.js';
import { LoadFailureError } from './load-failure.js';
import type { PreparedPart } from './prepared-file.js';

/** A CSV on local disk and what it is called in messages. */
export interface CsvSource {
  readonly path: string;
  /** `orders.csv` or `batch.zip!orders_2024.csv`: how messages name it. */
  readonly display: string;
  readonly entryName?: string;
  readonly type: RecordTypeName;
}

export const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;

/** One streaming pass over a CSV on disk (see {@link CsvContentScanner}). */
export async function scanCsvFile(path: string, headLimit: number): Promise<CsvScan> {
  const scanner = new CsvContentScanner(headLimit);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) scanner.push(chunk);
  return scanner.finish();
}

/**
 * Checks a scanned CSV (content, encoding, header) and maps its header; DuckDB reads the records later.
 * @throws LoadFailureError EMPTY_FILE, NOT_CSV, BAD_ENCODING, MISSING_COLUMN or DUPLICATE_COLUMN.
 */
export async function prepareCsvPart(
  source: CsvSource,
  scan: CsvScan,
  context: { headLimit: number; tempDir: () => Promise<string> },
): Promise<PreparedPart> {
  const { display, entryName } = source;
  const fail = (code: ConstructorParameters<typeof LoadFailureError>[0], message: string): never => {
    throw new LoadFailureError(code, `${display}: ${message}`, entryName);
  };
  if (scan.bytes === 0) fail('EMPTY_FILE', 'the file is empty (0 bytes); expected a header row. Check the export that produced it and deliver it again.');
  const signature = binarySignature(scan.head);
  if (signature) fail('NOT_CSV', `this is ${signature}, not a CSV text file; export the data as "CSV UTF-8" (comma-separated) instead.`);
  const utf16 = utf16Kind(scan.head);
  if (utf16) fail('BAD_ENCODING', `the file is ${utf16} (for example Excel "Unicode Text"); save it as "CSV UTF-8" and deliver it again. The whole file was refused.`);
  const bomLength = hasUtf8Bom(scan.head) ? 3 : 0;
  const body = scan.head.subarray(bomLength);
  if (scan.bytes <= scan.head.length && /^[ \t\r\n]*$/.test(body.toString('latin1'))) {
    fail('EMPTY_FILE', 'the file has no header row (only a byte-order mark or blank lines). Check the export and deliver it again.');
  }
  if (scan.nulOffset !== undefined) {
    fail('NOT_CSV', `binary content: NUL byte at byte ${scan.nulOffset}. A CSV is text; check that the right file was delivered (export it as "CSV UTF-8").`);
  }
  const sampled = Math.min(scan.bytes, CONTROL_SAMPLE_BYTES);
  if (scan.controlBytesInHead > Math.max(4, sampled / 100)) {
    fail('NOT_CSV', `binary content: ${scan.controlBytesInHead} control bytes in the first ${sampled} bytes. A CSV is text; check that the right file was delivered.`);
  }
  if (scan.invalidUtf8Offset !== undefined) fail('BAD_ENCODING', await describeBadUtf8(source.path, scan.invalidUtf8Offset));
  const parsed = parseCsvHeader(body, scan.bytes <= scan.head.length);
  if (!parsed.ok) fail('NOT_CSV', `the header row is not valid CSV: ${parsed.problem}. The first line must be the comma-separated column names.`);
  const headers = parsed.ok ? parsed.fields.map((f) => f.toString('utf8')) : [];
  const headerMap = mapHeader(source.type, headers, { display, ...(entryName === undefined ? {} : { entryName }) });
  // Only files with a quote or an inner empty line can hold what DuckDB does not report (see scanCsvStructure).
  const structure = scan.hasQuote || scan.hasInnerBlankLine ? await scanCsvStructure(source.path) : { blankRecords: [] };
  const unclosed = structure.unclosedQuote;
  return {
    type: source.type,
    csvPath: await duckdbSafePath(resolve(source.path), context.tempDir),
    ...(entryName === undefined ? {} : { entryName }),
    headerMap,
    rowNumbers: { kind: 'ordinal', blankRecords: structure.blankRecords },
    bytes: scan.bytes,
    ...(unclosed === undefined ? {} : { unclosedQuote: { row: unclosed.record, line: unclosed.line, lines: unclosed.lines, rawText: await readText(source.path, unclosed) } }),
  };
}

/** The first characters of the text from an unclosed quote's record on (for `raw_text`). */
async function readText(path: string, from: UnclosedQuote): Promise<string> {
  const buffer = Buffer.alloc(RAW_TEXT_BYTES);
  const handle = await open(path, 'r');
  try {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from.offset);
    // Cutting mid-character leaves a replacement character at the end at worst; the file itself is valid UTF-8.
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/\uFFFD$/, '');
  } finally {
    await handle.close();
  }
}

/** Bytes of swallowed text kept for an unclosed quote. */
const RAW_TEXT_BYTES = 64 * 1024;

function hasUtf8Bom(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** A description of well-known binary formats that get misnamed `.csv`. */
function binarySignature(head: Buffer): string | undefined {
  const startsWith = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0x50, 0x4b, 0x05, 0x06)) return 'a ZIP archive (or an .xlsx workbook) named like a CSV';
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'a legacy Excel (.xls) workbook named like a CSV';
  if (startsWith(0x1f, 0x8b)) return 'a gzip-compressed file';
  if (startsWith(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  return undefined;
}

function utf16Kind(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return head[2] === 0 && head[3] === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16 (big-endian)';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'UTF-32 (big-endian)';
  // Without a BOM: ASCII text in UTF-16 has a NUL in every other byte.
  const sample = head.subarray(0, 512);
  if (sample.length >= 8) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < sample.length; i += 1) if (sample[i] === 0) (i % 2 === 0 ? (even += 1) : (odd += 1));
    const half = sample.length / 2;
    if (odd > half * 0.8 && even < half * 0.1) return 'UTF-16 (little-endian, no byte-order mark)';
    if (even > half * 0.8 && odd < half * 0.1) return 'UTF-16 (big-endian, no byte-order mark)';
  }
  return undefined;
}

async function describeBadUtf8(path: string, offset: number): Promise<string> {
  const before = 24;
  const window = Buffer.alloc(before + 24);
  const handle = await open(path, 'r');
  let read = 0;
  try {
    ({ bytesRead: read } = await handle.read(window, 0, window.length, Math.max(0, offset - before)));
  } finally {
    await handle.close();
  }
  const at = Math.min(before, offset);
  const bad = window.subarray(at, Math.min(read, at + 2));
  const hex = [...bad].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
  const context = window.subarray(0, read).toString('utf8').replace(/[\r\n]+/g, ' ');
  const line = await lineOfOffset(path, offset);
  const latin1 = bad[0] !== undefined && bad[0] >= 0x80 && (bad[1] === undefined || (bad[1] & 0xc0) !== 0x80);
  return (
    `not valid UTF-8 at byte ${offset} (line ${line}): ${hex} in ${JSON.stringify(context)}. ` +
    (latin1 ? 'The file looks Windows-1252/ISO-8859-1 encoded. ' : '') +
    'Save it as "CSV UTF-8" and deliver it again; the whole file was refused.'
  );
}

/**
 * DuckDB expands glob characters in `read_csv` paths, so a delivered file whose path contains any is read through
 * a symlink with a plain name in the temporary folder.
 */
async function duckdbSafePath(path: string, tempDir: () => Promise<string>): Promise<string> {
  if (!/[*?[\]{}]/.test(path)) return path;
  const link = join(await tempDir(), `input-${Math.random().toString(36).slice(2)}.csv`);
  await symlink(path, link);
  return link;
}
