import { basename, extname } from 'node:path';
import { DEFAULT_MAX_HEADER_BYTES, prepareCsvPart, scanCsvFile } from './csv-preparer.js';
import { LoadFailureError, toLoadFailure } from './load-failure.js';
import {
  DEFAULT_ARCHIVE_LIMITS,
  type ArchiveLimits,
  type IgnoredEntry,
  type PrepareOptions,
  type PrepareResult,
  type PreparedPart,
} from './prepared-file.js';
import { createRecordTypeMatcher, describePatterns } from './record-type-matcher.js';
import { TempFolder } from './temp-folder.js';
import { prepareXlsx } from './xlsx-preparer.js';
import { prepareZip } from './zip-preparer.js';

/**
 * Turns one downloaded file into CSV parts that DuckDB can land, or into a {@link LoadFailure} a person can act on.
 * No database is involved. The format comes from the extension (`.xlsx`/`.xlsm`, `.zip`, anything else is a CSV
 * named after its record type). On success the caller must `dispose()` the result in `finally`; on failure nothing
 * is left behind. Only unexpected I/O errors (missing file, full disk) are thrown.
 *
 * @param localPath where the downloaded file is
 * @param fileName the delivered name (key or base name): decides format and record type, and names it in messages
 */
export async function prepareFile(localPath: string, fileName: string, options: PrepareOptions = {}): Promise<PrepareResult> {
  const temp = new TempFolder(options.tempDir);
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const headLimit = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const display = basename(fileName.replaceAll('\\', '/'));
  const matcher = createRecordTypeMatcher(options.patterns);
  const tempDir = () => temp.get();
  try {
    let format: 'csv' | 'xlsx' | 'zip';
    let parts: PreparedPart[];
    let ignored: IgnoredEntry[] = [];
    switch (extname(display).toLowerCase()) {
      case '.xlsx':
      case '.xlsm':
        format = 'xlsx';
        ({ parts, ignored } = await prepareXlsx(localPath, { fileName: display, limits, tempDir }));
        break;
      case '.zip':
        format = 'zip';
        ({ parts, ignored } = await prepareZip(localPath, { fileName: display, matcher, limits, headLimit, tempDir }));
        break;
      default: {
        format = 'csv';
        const types = matcher(display);
        if (types.length !== 1) throw unknownType(display, types, options);
        const scan = await scanCsvFile(localPath, headLimit);
        parts = [await prepareCsvPart({ path: localPath, display, type: types[0]! }, scan, { headLimit, tempDir })];
      }
    }
    let disposed: Promise<void> | undefined;
    return {
      ok: true,
      format,
      fileName,
      parts,
      ignored,
      dispose: () => (disposed ??= temp.remove()),
    };
  } catch (error) {
    await temp.remove();
    if (error instanceof LoadFailureError) return toLoadFailure(error, fileName);
    throw error;
  }
}

function unknownType(display: string, types: readonly string[], options: PrepareOptions): LoadFailureError {
  if (types.length > 1) {
    return new LoadFailureError('UNKNOWN_FILE_TYPE', `${display}: the name matches the patterns of several record types (${types.join(', ')}); make the source's file patterns exclusive.`);
  }
  const legacy = /\.xls$/i.test(display) ? ' Legacy .xls workbooks are not read: save it as .xlsx or CSV UTF-8.' : '';
  return new LoadFailureError(
    'UNKNOWN_FILE_TYPE',
    `${display}: the name matches no record type (patterns: ${describePatterns(options.patterns)}) and is not an .xlsx or .zip.${legacy} ` +
      'Rename the file after its record type (for example orders_2024-01.csv) or add a pattern to the source.',
  );
}
