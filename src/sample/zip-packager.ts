import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import * as yauzl from 'yauzl';

/**
 * ZIP writing for the sample (yazl, the writer of the yauzl family the extractor reads with). Entries get a fixed
 * DOS timestamp and mode and no extended-time field, so the archive is byte-identical run after run and machine to
 * machine, whatever the time zone.
 */
export interface ZipEntrySource {
  /** Name inside the archive. */
  readonly name: string;
  /** Opens the entry's content; called when yazl reaches the entry, so only one is read at a time. */
  readonly open: () => Promise<Readable>;
}

/** Writes `entries`, in order, to `zipPath`; `mtime` is taken by its local calendar fields (see DOS time). */
export async function writeZip(zipPath: string, entries: readonly ZipEntrySource[], mtime: Date): Promise<void> {
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.name, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true }, (cb) => {
      entry.open().then(
        (stream) => cb(null, stream),
        (error: unknown) => cb(error, undefined as unknown as Readable),
      );
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

/** Bundles files of `dir` (by name, in order) into `zipPath`. */
export async function zipFolderFiles(
  dir: string,
  names: readonly string[],
  zipPath: string,
  mtime: Date,
): Promise<void> {
  await writeZip(
    zipPath,
    names.map((name) => ({ name, open: async () => createReadStream(join(dir, name)) })),
    mtime,
  );
}

/**
 * Re-writes the archive `source` to `target` with the same entries in the same order but fixed timestamps
 * (exceljs stamps every entry with the wall clock, which would make each workbook different).
 */
export async function rewriteZipDeterministic(source: string, target: string, mtime: Date): Promise<void> {
  const archive = await yauzl.openPromise(source, { lazyEntries: true, autoClose: false });
  try {
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      archive.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        archive.readEntry();
      });
      archive.once('end', () => resolve());
      archive.once('error', reject);
      archive.readEntry();
    });
    await writeZip(
      target,
      entries
        .filter((e) => !e.fileName.endsWith('/'))
        .map((e) => ({ name: e.fileName, open: () => archive.openReadStreamPromise(e) })),
      mtime,
    );
  } finally {
    archive.close();
  }
}
