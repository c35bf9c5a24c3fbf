import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

import { TransferError } from '../errors.js';

/** Size of a local file about to be uploaded, or a TransferError saying why it can not be (never worth a retry). */
export async function localFileSize(localPath: string, store: string, key: string): Promise<number> {
  try {
    const info = await stat(localPath);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (error) {
    throw new TransferError(`${store}: cannot upload '${localPath}' to '${key}': ${(error as Error).message}`, {
      location: { file: key },
      hint: 'the local file to upload must exist and be a regular file',
    });
  }
}

/** Digest of a local file, streamed (no whole file in memory). */
export async function fileDigest(
  localPath: string,
  algorithm: 'md5' | 'sha256',
  encoding: 'hex' | 'base64',
): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(localPath), hash);
  return hash.digest(encoding);
}
