import type { RecordTypeName } from '../record-types.js';
import type { HeaderMap } from './header-map.js';
import type { LoadFailure } from './load-failure.js';
import type { FilePatterns } from './record-type-matcher.js';

/** One CSV, ready for DuckDB's `read_csv`: comma, `"` quoting, UTF-8, a header row. */
export interface PreparedPart {
  readonly type: RecordTypeName;
  /** Absolute path of the CSV to read (the delivered file itself, or a temporary file owned by the PreparedFile). */
  readonly csvPath: string;
  /** ZIP entry path or XLSX tab name; absent for a plain CSV. */
  readonly entryName?: string;
  readonly headerMap: HeaderMap;
  /**
   * Where `_row` comes from. `ordinal`: the record number in the CSV (header = 1), which landing derives from the
   * row's position, skipping rejected records and the listed empty records. `field`: the CSV field 0 holds the row
   * number of the source (XLSX sheet row), written by the preparer.
   */
  readonly rowNumbers: { readonly kind: 'ordinal'; readonly blankRecords: readonly number[] } | { readonly kind: 'field' };
  /** Size of `csvPath` in bytes. */
  readonly bytes: number;
  /**
   * A quote opened in this record is never closed. DuckDB drops such a tail silently, so landing writes it to
   * `raw.rejected_rows` itself (BAD_ROW). `rawText` is the start of the swallowed text.
   */
  readonly unclosedQuote?: {
    readonly row: number;
    readonly line: number;
    readonly lines: number;
    readonly rawText: string;
  };
}

/** A tab or entry that was skipped, and why (reported, never silently dropped). */
export interface IgnoredEntry {
  readonly name: string;
  readonly reason: string;
}

/** A delivered file turned into CSV parts. Call {@link PreparedFile.dispose} when landing is done (in `finally`). */
export interface PreparedFile {
  readonly ok: true;
  readonly format: 'csv' | 'xlsx' | 'zip';
  /** The delivered file name, as given to `prepareFile`. */
  readonly fileName: string;
  readonly parts: readonly PreparedPart[];
  readonly ignored: readonly IgnoredEntry[];
  /** Removes the temporary files; idempotent. */
  dispose(): Promise<void>;
}

export type PrepareResult = PreparedFile | LoadFailure;

/** Caps on inflating archives (ZIP files and XLSX workbooks), enforced while streaming. */
export interface ArchiveLimits {
  /** Total uncompressed bytes of all entries read (ZIP) or CSV bytes written (XLSX). */
  readonly maxTotalBytes: number;
  /** An entry may not inflate to more than this many times its compressed size... */
  readonly maxCompressionRatio: number;
  /** ...once it is larger than this (small, very repetitive entries are harmless). */
  readonly ratioFloorBytes: number;
  /** Entries in the archive's central directory. */
  readonly maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 2 * 1024 ** 3,
  // Real CSVs and sheets deflate 5-20x, very repetitive ones up to about 100x; deflate bombs reach about 1000x.
  maxCompressionRatio: 200,
  ratioFloorBytes: 1024 ** 2,
  maxEntries: 10_000,
};

export interface PrepareOptions {
  /** File-name globs per record type for CSVs and ZIP entries (the source's configuration); defaults from record-types. */
  readonly patterns?: FilePatterns;
  /** Where temporary CSVs go; default `os.tmpdir()`. */
  readonly tempDir?: string;
  readonly limits?: Partial<ArchiveLimits>;
  /** Longest header row accepted, in bytes; default 1 MiB. */
  readonly maxHeaderBytes?: number;
}
