/** The fields of a ZIP central-directory entry that decide whether it is safe to read. */
export interface ZipEntryHeader {
  readonly fileName: string;
  readonly externalFileAttributes: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Why an entry must not be read, or `undefined` when it is safe. yauzl already refuses `..` and absolute names;
 * this repeats those checks (defence in depth: entries never pick their own path on disk either) and adds
 * symbolic links, which yauzl reports as ordinary files.
 */
export function unsafeEntryReason(entry: ZipEntryHeader): string | undefined {
  const name = entry.fileName;
  if (name.includes('\u0000')) return 'its name contains a NUL character';
  const normalised = name.replaceAll('\\', '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) return 'it has an absolute path';
  if (normalised.split('/').includes('..')) return 'its path climbs out of the archive ("..")';
  // Unix mode bits live in the high 16 bits of the external attributes (whatever "version made by" claims).
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'it is a symbolic link';
  return undefined;
}

/** Directory entries carry no data. */
export function isDirectoryEntry(entry: ZipEntryHeader): boolean {
  return entry.fileName.endsWith('/') || entry.fileName.endsWith('\\');
}

/** macOS resource forks (`__MACOSX/`, `._x.csv`) and other hidden files: skipped and reported, never read. */
export function isHiddenEntry(entry: ZipEntryHeader): boolean {
  const parts = entry.fileName.replaceAll('\\', '/').split('/');
  return parts.some((p) => p === '__MACOSX' || p.startsWith('.'));
}

/** Maps yauzl's own name-validation errors (which stop the archive) to a reason, or `undefined` for other errors. */
export function yauzlUnsafeNameReason(message: string): string | undefined {
  if (message.startsWith('absolute path:')) return `an entry has an absolute path (${message.slice(15).trim()})`;
  if (message.startsWith('invalid relative path:')) return `an entry climbs out of the archive with ".." (${message.slice(22).trim()})`;
  if (message.startsWith('invalid characters in fileName:')) return `an entry name has invalid characters (${message.slice(31).trim()})`;
  return undefined;
}
