import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { CsvContentScanner } from './csv-content-scanner.js';
import { prepareCsvPart } from './csv-preparer.js';
import { InflateBudget } from './inflate-budget.js';
import { LoadFailureError } from './load-failure.js';
import type { ArchiveLimits, IgnoredEntry, PreparedPart } from './prepared-file.js';
import type { RecordTypeMatcher } from './record-type-matcher.js';
import { isDirectoryEntry, isHiddenEntry, unsafeEntryReason, yauzlUnsafeNameReason } from './zip-entry-safety.js';

export interface ZipContext {
  readonly fileName: string;
  readonly matcher: RecordTypeMatcher;
  readonly limits: ArchiveLimits;
  readonly headLimit: number;
  readonly tempDir: () => Promise<string>;
}

/**
 * Reads a ZIP of CSVs with yauzl (random access: it needs the central directory, so the archive is a local file).
 * Each entry is streamed to a temporary CSV under a generated name (never the entry's own path), checked on the way
 * (caps, CRC, UTF-8) and then prepared like a delivered CSV; its record type comes from its own name.
 * One bad entry fails the whole archive: a ZIP is one delivery and one load.
 * @throws LoadFailureError CORRUPT_ZIP, UNSAFE_ZIP_ENTRY, ZIP_TOO_LARGE, UNKNOWN_FILE_TYPE or any CSV code.
 */
export async function prepareZip(path: string, context: ZipContext): Promise<{ parts: PreparedPart[]; ignored: IgnoredEntry[] }> {
  const zip = await openZip(path, context.fileName);
  const parts: PreparedPart[] = [];
  const ignored: IgnoredEntry[] = [];
  const budget = new InflateBudget(context.limits);
  const seen = new Set<string>();
  const fail = (code: ConstructorParameters<typeof LoadFailureError>[0], message: string, entry?: string): never => {
    throw new LoadFailureError(code, `${context.fileName}: ${message}`, entry);
  };
  try {
    if (zip.entryCount > context.limits.maxEntries) {
      fail('ZIP_TOO_LARGE', `the archive has ${zip.entryCount} entries, over the cap of ${context.limits.maxEntries}; split the delivery.`);
    }
    for await (const entry of entries(zip, context.fileName)) {
      const name = entry.fileName;
      const unsafe = unsafeEntryReason(entry);
      if (unsafe) fail('UNSAFE_ZIP_ENTRY', `entry "${name}" was refused because ${unsafe}; the archive was not read. Rebuild it with plain relative file names.`, name);
      if (seen.has(name)) fail('UNSAFE_ZIP_ENTRY', `entry "${name}" occurs twice; tools disagree on which copy wins, so the archive was refused. Rebuild it with unique names.`, name);
      seen.add(name);
      if (isDirectoryEntry(entry)) continue;
      if (isHiddenEntry(entry)) {
        ignored.push({ name, reason: 'hidden file or macOS metadata (__MACOSX, ._*), not data' });
        continue;
      }
      const types = context.matcher(name);
      if (types.length === 0) {
        ignored.push({ name, reason: 'its name matches no record type pattern' });
        continue;
      }
      if (types.length > 1) {
        fail('UNKNOWN_FILE_TYPE', `entry "${name}" matches the patterns of several record types (${types.join(', ')}); make the source's patterns exclusive.`, name);
      }
      if (entry.isEncrypted()) fail('CORRUPT_ZIP', `entry "${name}" is encrypted; deliver an archive without a password.`, name);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        fail('CORRUPT_ZIP', `entry "${name}" uses compression method ${entry.compressionMethod}; only stored and deflate are supported. Re-create the archive with standard ZIP compression.`, name);
      }
      const declared = budget.checkDeclared(name, entry.compressedSize, entry.uncompressedSize);
      if (declared) fail('ZIP_TOO_LARGE', `${declared}. Split the delivery into smaller archives, or raise the source's archive limits if this is expected.`, name);
      const csvPath = join(await context.tempDir(), `zip-entry-${parts.length + 1}.csv`);
      const scanner = new CsvContentScanner(context.headLimit);
      await extractEntry(zip, entry, csvPath, budget, scanner, context.fileName);
      const type = types[0]!;
      parts.push(await prepareCsvPart({ path: csvPath, display: `${context.fileName}!${name}`, entryName: name, type }, scanner.finish(), context));
    }
  } finally {
    zip.close();
  }
  if (parts.length === 0) {
    const listed = ignored.length === 0 ? 'it holds no files' : `its entries are ${ignored.map((i) => `"${i.name}"`).slice(0, 20).join(', ')}`;
    fail('UNKNOWN_FILE_TYPE', `no entry of the archive is a CSV named after a record type (${listed}). Name the entries like orders_2024.csv, or configure the source's patterns.`);
  }
  return { parts, ignored };
}

async function openZip(path: string, fileName: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(path, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, autoClose: false });
  } catch (error) {
    throw zipError(error, fileName);
  }
}

/** The archive's entries; yauzl's own errors (bad central directory, unsafe names) become load failures. */
async function* entries(zip: ZipFile, fileName: string): AsyncGenerator<Entry> {
  try {
    for await (const entry of zip.eachEntry()) yield entry;
  } catch (error) {
    throw zipError(error, fileName);
  }
}

/** Inflates one entry into `target`, counting bytes against the caps and checking the CRC as it goes. */
async function extractEntry(zip: ZipFile, entry: Entry, target: string, budget: InflateBudget, scanner: CsvContentScanner, fileName: string): Promise<void> {
  const count = budget.startEntry(entry.fileName, entry.compressedSize);
  let crc = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const exceeded = count(chunk.length);
      if (exceeded) {
        callback(new LoadFailureError('ZIP_TOO_LARGE', `${fileName}: ${exceeded}; inflating stopped. This looks like a ZIP bomb or an oversized delivery: split it, or raise the source's archive limits if it is expected.`, entry.fileName));
        return;
      }
      crc = crc32(chunk, crc);
      scanner.push(chunk);
      callback(null, chunk);
    },
  });
  try {
    const stream = await zip.openReadStreamPromise(entry);
    await pipeline(stream, guard, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof LoadFailureError) throw error;
    throw zipError(error, fileName, entry.fileName);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new LoadFailureError('CORRUPT_ZIP', `${fileName}: entry "${entry.fileName}" fails its CRC-32 check (the archive is damaged); deliver it again.`, entry.fileName);
  }
}

function zipError(error: unknown, fileName: string, entryName?: string): LoadFailureError {
  const message = error instanceof Error ? error.message : String(error);
  const unsafe = yauzlUnsafeNameReason(message);
  if (unsafe) return new LoadFailureError('UNSAFE_ZIP_ENTRY', `${fileName}: ${unsafe}; the archive was not read. Rebuild it with plain relative file names.`, entryName, { cause: error });
  const where = entryName === undefined ? '' : `entry "${entryName}": `;
  const sizeLie = /too many bytes in the stream|not enough bytes in the stream/.test(message)
    ? ' (the entry does not inflate to the size its header declares: damaged or crafted)'
    : '';
  return new LoadFailureError('CORRUPT_ZIP', `${fileName}: ${where}not a readable ZIP archive: ${message}${sizeLie}. Deliver the archive again.`, entryName, { cause: error });
}
