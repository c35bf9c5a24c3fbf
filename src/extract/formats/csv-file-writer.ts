import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const FLUSH_AT = 1 << 20;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One RFC 4180 field: quoted when it holds a comma, quote, line break or edge whitespace; quotes doubled. */
export function csvField(text: string): string {
  if (text === '') return '';
  if (NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/**
 * Appends CSV lines to a file through a 1 MiB string buffer, waiting for `drain` so memory stays flat however
 * large the output. `bytes` counts what has been handed to the file (for the archive size cap).
 */
export class CsvFileWriter {
  private buffer = '';
  bytes = 0;

  private constructor(private readonly stream: WriteStream) {}

  static open(path: string): CsvFileWriter {
    return new CsvFileWriter(createWriteStream(path, { flags: 'wx' }));
  }

  /** Writes one record; `fields` are already CSV-encoded with {@link csvField}. */
  async writeRecord(fields: readonly string[]): Promise<void> {
    if (this.append(fields.join(','))) await this.flush();
  }

  /**
   * Buffers one encoded record (without its line end) synchronously; returns true when the buffer is full and the
   * caller should `await flush()`. Saves a promise per row in hot loops.
   */
  append(record: string): boolean {
    this.buffer += `${record}\n`;
    return this.buffer.length >= FLUSH_AT;
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  /** Closes without flushing, for error paths; never throws. */
  async abort(): Promise<void> {
    this.buffer = '';
    this.stream.destroy();
    await finished(this.stream).catch(() => undefined);
  }
}
