import { RevrecError } from '../../errors.js';

/**
 * Why a delivered file could not be read at all. Such a file is recorded as a failed load (not as rejected rows) and
 * is retried when it is delivered again. The codes are stable: the orchestration stores them and users grep for them.
 */
export type LoadFailureCode =
  | 'UNKNOWN_FILE_TYPE'
  | 'EMPTY_FILE'
  | 'NOT_CSV'
  | 'BAD_ENCODING'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'CORRUPT_XLSX'
  | 'CORRUPT_ZIP'
  | 'UNSAFE_ZIP_ENTRY'
  | 'ZIP_TOO_LARGE';

/** One line per code: what it means. The message of each failure says which file, where, and what to do. */
export const LOAD_FAILURE_CODES: Readonly<Record<LoadFailureCode, string>> = {
  UNKNOWN_FILE_TYPE:
    'The file name (or every ZIP entry / XLSX tab name) matches no record type, matches several, or the extension is not .csv/.xlsx/.zip.',
  EMPTY_FILE: 'The file has no bytes, or only a byte-order mark and blank lines: there is not even a header row.',
  NOT_CSV: 'Binary content (NUL or control bytes, a ZIP/XLS/PDF/gzip signature) or a header row that is not valid CSV.',
  BAD_ENCODING: 'Not valid UTF-8 (for example Windows-1252 or UTF-16); the whole file is refused.',
  MISSING_COLUMN: 'The header row lacks one or more required columns of the record type.',
  DUPLICATE_COLUMN: 'Two header cells name the same column (after case and space/underscore normalisation).',
  CORRUPT_XLSX: 'The .xlsx file is not a readable workbook (not a ZIP, truncated, legacy .xls, password-protected).',
  CORRUPT_ZIP: 'The .zip file is not a readable archive (truncated, bad CRC, encrypted or unsupported compression).',
  UNSAFE_ZIP_ENTRY: 'A ZIP entry has an absolute path, a ".." segment, is a symbolic link, or its name occurs twice.',
  ZIP_TOO_LARGE: 'Inflating the archive (ZIP or XLSX) would exceed the configured size or compression-ratio cap.',
};

/** A file that cannot be landed, with a message a person can act on. */
export interface LoadFailure {
  readonly ok: false;
  readonly code: LoadFailureCode;
  /** What failed, where (file, entry or tab, line or byte), and what to do about it. */
  readonly message: string;
  /** The delivered file name the failure is about. */
  readonly fileName: string;
  /** The ZIP entry or XLSX tab concerned, when the failure is inside one. */
  readonly entryName?: string;
}

/**
 * Thrown inside the preparers and turned into a {@link LoadFailure} by `prepareFile`; never escapes it. Extends the
 * root error so that code which does let it escape still prints something useful.
 */
export class LoadFailureError extends RevrecError {
  override readonly name = 'LoadFailureError';

  constructor(
    readonly code: LoadFailureCode,
    message: string,
    readonly entryName?: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The failure value for an error raised while preparing `fileName`. */
export function toLoadFailure(error: LoadFailureError, fileName: string): LoadFailure {
  return {
    ok: false,
    code: error.code,
    message: error.message,
    fileName,
    ...(error.entryName === undefined ? {} : { entryName: error.entryName }),
  };
}
