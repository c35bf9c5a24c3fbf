import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { TransientFault } from './retry.js';

/** A name next to `finalPath` for bytes in flight: hidden, unique, and in the same folder so rename is atomic. */
export function temporarySibling(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.part-${randomBytes(6).toString('hex')}`);
}

/** Why a hard link can fail where a copy works: another file system, or one without hard links. */
const NO_LINK_CODES = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS', 'EACCES']);

/**
 * Puts a local file that will never be written again (an export's staged file, removed once delivered) onto `target`
 * atomically, through a temporary sibling whose size is checked before it is renamed onto the target, so a reader of
 * `target` never sees a partial file. The temporary is a hard link when both are on one file system: no bytes are
 * copied, where a copy of a close-period export's files (about 1.3 GB at 1M lines) took a core for half a second and
 * left as much to write back. Otherwise (another file system, a share without hard links) the kernel copies it
 * (copy_file_range, a reflink where the file system has them, no bytes through JavaScript).
 */
export async function placeFileAtomically(source: string, target: string, expectedBytes: number): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  try {
    try {
      await link(source, temporary);
    } catch (error) {
      if (!NO_LINK_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await copyFile(source, temporary);
    }
    const { size } = await stat(temporary);
    if (size !== expectedBytes) throw new TransientFault(`placed ${size} of ${expectedBytes} bytes`);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Streams `source` into `localPath` while computing its SHA-256, without holding the file in memory. The bytes go to
 * a temporary sibling that is renamed onto `localPath` only when the stream ended cleanly and, when
 * `expectedBytes` is given, had exactly that many bytes; otherwise the temporary file is removed and a truncated
 * stream throws {@link TransientFault} (a cut connection). Parent folders are created.
 */
export async function writeStreamAtomically(
  source: Readable,
  localPath: string,
  expectedBytes?: number,
): Promise<{ bytes: number; sha256: string }> {
  // The source can fail while the folder is being made (an SFTP open refused with "Permission denied"): an 'error'
  // without a listener would be thrown inside the SSH client's packet parser, which then drops the whole connection,
  // and the refusal would read as "connection closed mid-transfer" (and be retried). Hold it until pipeline() listens.
  let earlyError: unknown;
  const holdEarlyError = (error: unknown) => {
    earlyError ??= error;
  };
  source.on('error', holdEarlyError);
  try {
    await mkdir(path.dirname(localPath), { recursive: true });
  } catch (error) {
    source.destroy();
    throw error;
  } finally {
    source.removeListener('error', holdEarlyError);
  }
  if (earlyError !== undefined) {
    source.destroy();
    throw earlyError;
  }
  const temporary = temporarySibling(localPath);
  const hash = createHash('sha256');
  let bytes = 0;
  let renamed = false;
  const sink = createWriteStream(temporary, { flags: 'wx' });
  // pipeline() can reject before the file stream has even opened its file (it does not wait for the last stream
  // when an async generator feeds it); removing the temporary then would race with its creation.
  const sinkClosed = new Promise<void>((resolve) => sink.once('close', resolve));
  try {
    await pipeline(
      source,
      async function* measure(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      sink,
    );
    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new TransientFault(`the transfer ended after ${bytes} of ${expectedBytes} bytes`);
    }
    await sinkClosed; // all bytes handed to the OS and the descriptor closed before the name appears
    await rename(temporary, localPath);
    renamed = true;
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    if (!renamed) {
      sink.destroy();
      await sinkClosed;
      await rm(temporary, { force: true });
    }
  }
}
