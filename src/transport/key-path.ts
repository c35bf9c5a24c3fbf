import path from 'node:path';

import { TransferError } from '../errors.js';

/**
 * Why a key is unsafe, or undefined when it is fine. A key is relative and `/`-separated; it must not be empty,
 * absolute (`/x`, `C:\x`, `\\server`), hold a `..` or `.` segment, a backslash, an empty segment or a NUL byte,
 * because stores map keys onto local paths and SFTP/local folders, and any of these could escape the root.
 */
export function unsafeKeyReason(key: string): string | undefined {
  if (key.length === 0) return 'it is empty';
  if (key.includes('\0')) return 'it contains a NUL byte';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) return 'it is an absolute path';
  const segments = key.split('/');
  if (segments.includes('..')) return "it contains a '..' segment";
  if (segments.includes('.')) return "it contains a '.' segment";
  if (segments.some((s) => s === '')) return 'it contains an empty segment (// or a trailing /)';
  return undefined;
}

/** Throws a {@link TransferError} naming the key and the store when {@link unsafeKeyReason} finds a problem. */
export function assertSafeKey(key: string, storeName: string): void {
  const reason = unsafeKeyReason(key);
  if (reason === undefined) return;
  throw new TransferError(`${storeName}: refusing key '${printable(key)}' because ${reason}`, {
    location: { file: key },
    hint: 'keys must be relative paths inside the store root without .. segments; rename the remote file',
  });
}

/**
 * The local path for a remote key under `localRoot`, refusing keys that would land outside it (`..` segments,
 * absolute paths). Use it whenever remote names become local file names.
 */
export function localPathForKey(localRoot: string, key: string, storeName = 'remote store'): string {
  assertSafeKey(key, storeName);
  const root = path.resolve(localRoot);
  const target = path.resolve(root, ...key.split('/'));
  // Belt and braces: the checks above already exclude every way out, but a future change must not open one.
  if (!target.startsWith(root + path.sep)) {
    throw new TransferError(`${storeName}: key '${printable(key)}' maps outside ${root}`, { location: { file: key } });
  }
  return target;
}

/** Joins a store root (S3 prefix or remote folder) and a key with exactly one `/`. */
export function joinKey(root: string, key: string): string {
  if (root === '') return key;
  return root.endsWith('/') ? `${root}${key}` : `${root}/${key}`;
}

/** A key safe to print: control characters escaped, at most 300 characters. */
function printable(key: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = key.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.length > 300 ? `${shown.slice(0, 300)}…` : shown;
}
