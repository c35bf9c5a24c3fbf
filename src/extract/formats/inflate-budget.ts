import type { ArchiveLimits } from './prepared-file.js';

/**
 * Bookkeeping for the archive caps: checks declared sizes up front and counts the bytes actually inflated, so a
 * header that lies cannot get past them. Returns a reason when a cap is exceeded; the caller turns it into
 * `ZIP_TOO_LARGE` and stops inflating.
 */
export class InflateBudget {
  private total = 0;
  private declared = 0;

  constructor(readonly limits: ArchiveLimits) {}

  /** Bytes inflated so far, across entries. */
  get inflated(): number {
    return this.total;
  }

  /** Checks an entry's central-directory sizes (cheap, before reading). */
  checkDeclared(name: string, compressedSize: number, uncompressedSize: number): string | undefined {
    this.declared += uncompressedSize;
    if (this.declared > this.limits.maxTotalBytes) {
      return `the entries declare ${this.declared} uncompressed bytes up to "${name}", over the cap of ${this.limits.maxTotalBytes}`;
    }
    if (uncompressedSize > this.limits.ratioFloorBytes && uncompressedSize > this.limits.maxCompressionRatio * Math.max(compressedSize, 1)) {
      return `entry "${name}" declares ${uncompressedSize} bytes from ${compressedSize} compressed (more than ${this.limits.maxCompressionRatio}:1)`;
    }
    return undefined;
  }

  /** Starts counting one entry; the returned function takes each inflated chunk size. */
  startEntry(name: string, compressedSize: number): (bytes: number) => string | undefined {
    let entryBytes = 0;
    const entryCap = Math.max(this.limits.ratioFloorBytes, this.limits.maxCompressionRatio * Math.max(compressedSize, 1));
    return (bytes) => {
      entryBytes += bytes;
      this.total += bytes;
      if (this.total > this.limits.maxTotalBytes) {
        return `inflating reached ${this.total} bytes at entry "${name}", over the cap of ${this.limits.maxTotalBytes} uncompressed bytes`;
      }
      if (entryBytes > entryCap) {
        return `entry "${name}" inflated to more than ${entryCap} bytes from ${compressedSize} compressed (over ${this.limits.maxCompressionRatio}:1)`;
      }
      return undefined;
    };
  }

  /** Counts bytes produced outside an entry stream (XLSX sheets converted to CSV). */
  addOutput(bytes: number): string | undefined {
    this.total += bytes;
    return this.total > this.limits.maxTotalBytes
      ? `the converted sheets reached ${this.total} bytes, over the cap of ${this.limits.maxTotalBytes}`
      : undefined;
  }
}
