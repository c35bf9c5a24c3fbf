import { createReadStream } from 'node:fs';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A quote opened in `record` and still open at the end of the file. */
export interface UnclosedQuote {
  /** Record (row) number where the open quote starts; the header is 1. */
  readonly record: number;
  /** Physical line of that record's first byte. */
  readonly line: number;
  /** Byte offset where that record starts. */
  readonly offset: number;
  /** Physical lines from that record to the end of the file. */
  readonly lines: number;
}

export interface CsvStructure {
  /** Record numbers of empty records (empty lines), as DuckDB counts them. */
  readonly blankRecords: number[];
  readonly unclosedQuote?: UnclosedQuote;
}

/**
 * Walks the record structure of a CSV the way DuckDB's reader does (an empty line is a record that yields no row;
 * a quoted value spanning lines belongs to one record; a quote opens a value only at its start) to learn what the
 * reader does not report:
 * - the empty records, which it skips yet counts in its line numbers (so `_row` of later rows needs them);
 * - a quote still open at the end of the file: DuckDB 1.5 then drops that record and everything after it without
 *   any reject or error (measured), so landing records it as a rejected row itself.
 *
 * One byte loop over the file, no values decoded: about 0.25 s per 130 MB here. It runs only for files that
 * contain a quote or an inner empty line ({@link CsvContentScanner} tells), so unquoted files skip it.
 */
export async function scanCsvStructure(path: string): Promise<CsvStructure> {
  const blankRecords: number[] = [];
  let record = 1;
  let line = 1;
  let offset = 0;
  let recordStart = { record: 1, line: 1, offset: 0 };
  let atRecordStart = true;
  let atFieldStart = true;
  let state: 0 | 1 | 2 = 0; // 0 plain, 1 inside quotes, 2 quote seen inside quotes
  let previousWasCr = false;
  let lastByte = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i]!;
      // Physical lines, counted in every state (for messages only).
      if (b === LF) {
        if (!previousWasCr) line += 1;
      } else if (b === CR) line += 1;
      if (state === 1) {
        if (b === QUOTE) state = 2;
        previousWasCr = b === CR;
        continue;
      }
      if (state === 2) {
        if (b === QUOTE) {
          state = 1; // "" inside quotes
          previousWasCr = false;
          continue;
        }
        state = 0;
      }
      if (b === LF || b === CR) {
        const secondHalfOfCrlf = b === LF && previousWasCr;
        previousWasCr = b === CR;
        if (secondHalfOfCrlf) continue;
        if (atRecordStart) blankRecords.push(record);
        record += 1;
        atRecordStart = true;
        atFieldStart = true;
        continue;
      }
      previousWasCr = false;
      if (atRecordStart) {
        recordStart = { record, line, offset: offset + i };
        atRecordStart = false;
      }
      if (b === COMMA) atFieldStart = true;
      else if (b === QUOTE && atFieldStart) {
        state = 1;
        atFieldStart = false;
      } else atFieldStart = false;
    }
    offset += chunk.length;
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
  }
  if (state !== 1) return { blankRecords };
  // A line break ending the file closes no further line.
  const lines = line - recordStart.line + (lastByte === LF || lastByte === CR ? 0 : 1);
  return { blankRecords, unclosedQuote: { ...recordStart, lines } };
}
