import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** Compared and rewritten in pieces of DuckDB's block size: a changed block costs one piece. */
const PIECE_BYTES = 256 * 1024;

export interface PatchResult {
  /** Bytes of `source`, all compared. */
  readonly bytes: number;
  /** Bytes written into `target` (the pieces that differed). */
  readonly written: number;
}

/**
 * Makes `target` byte-identical to `source` by rewriting only the pieces that differ, then cutting it to the source's
 * length. A day's run changes about a tenth of a warehouse file's blocks, so this writes a tenth of what a copy would
 * (both files are read, mostly from the page cache). Neither file may change meanwhile: the caller has checkpointed
 * the source and no one else writes the target. A crash midway leaves `target` partly patched; running it again
 * finishes the job, since it trusts nothing but the bytes.
 *
 * Synchronous reads on purpose: thousands of small async reads cost more in the thread pool than the comparison, and
 * nothing else runs while the warehouse is published.
 */
export function patchFile(source: string, target: string): PatchResult {
  const from = openSync(source, 'r');
  try {
    const to = openSync(target, 'r+');
    try {
      const bytes = fstatSync(from).size;
      const wanted = Buffer.allocUnsafe(PIECE_BYTES);
      const present = Buffer.allocUnsafe(PIECE_BYTES);
      let written = 0;
      for (let offset = 0; offset < bytes; offset += PIECE_BYTES) {
        const length = readFully(from, wanted, Math.min(PIECE_BYTES, bytes - offset), offset);
        const have = readFully(to, present, length, offset);
        if (have === length && wanted.compare(present, 0, length, 0, length) === 0) continue;
        writeFully(to, wanted, length, offset);
        written += length;
      }
      if (fstatSync(to).size !== bytes) ftruncateSync(to, bytes);
      return { bytes, written };
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
}

/** Reads up to `length` bytes at `position` (fewer only at the end of the file). */
function readFully(fd: number, buffer: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writeFully(fd: number, buffer: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buffer, done, length - done, position + done);
}
