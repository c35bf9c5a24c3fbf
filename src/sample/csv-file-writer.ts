import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A buffered, synchronous CSV writer (UTF-8, comma, `\n`, RFC 4180 quoting only where a value needs it). Rows are
 * encoded straight into one reusable 1 MiB buffer that is written out when full: memory stays flat whatever the
 * file size, no back-pressure handling is needed, and no large strings are built (which keeps GC cheap).
 */
export class CsvFileWriter {
  private fd: number | undefined;
  private readonly buffer: Buffer;
  private used = 0;
  private rowCount = 0;
  private byteCount = 0;

  /** Opens (truncates) `path` and writes the header row (row 1). */
  constructor(
    readonly path: string,
    header: readonly string[],
    bufferSize = 1024 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(bufferSize);
    this.fd = openSync(path, 'w');
    this.append(header);
  }

  /**
   * Appends one data row and returns its row number (the header is row 1). `plain` promises that no value holds a
   * comma, quote or line break (generated ids, dates, amounts, fixed vocabularies), which skips the quoting scan
   * that otherwise dominates million-row runs.
   */
  writeRow(values: readonly string[], plain = false): number {
    this.append(values, plain);
    this.rowCount += 1;
    return this.rowCount + 1;
  }

  /** Data rows written so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Flushes and closes; returns the data-row and byte counts. Safe to call twice. */
  close(): { rows: number; bytes: number } {
    if (this.fd !== undefined) {
      try {
        this.flush();
      } finally {
        closeSync(this.fd);
        this.fd = undefined;
      }
    }
    return { rows: this.rowCount, bytes: this.byteCount };
  }

  private append(values: readonly string[], plain = false): void {
    let line: string;
    if (plain) line = `${values.join(',')}\n`;
    else {
      line = csvField(values[0] ?? '');
      for (let i = 1; i < values.length; i++) line += `,${csvField(values[i] as string)}`;
      line += '\n';
    }
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes, so this bound guarantees the row fits.
    if (this.used + line.length * 3 > this.buffer.length) {
      this.flush();
      if (line.length * 3 > this.buffer.length) {
        this.writeBytes(Buffer.from(line, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeBytes(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeBytes(bytes: Buffer): void {
    if (this.fd === undefined) throw new Error(`Unexpected: write to closed CSV ${this.path}`);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.byteCount += bytes.length;
  }
}

/** One RFC 4180 field: quoted (inner quotes doubled) only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}
