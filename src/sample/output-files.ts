import { join } from 'node:path';
import { RECORD_TYPES, type RecordTypeName } from '../extract/record-types.js';
import { CsvFileWriter } from './csv-file-writer.js';
import { firstOfMonth, lastOfMonth, monthKeyOf } from './civil-date.js';
import type { GeneratedFile } from './generation-summary.js';

/** `single`: one file per record type; `monthly`: dated files per month (`orders_2024-01.csv`) like daily drops. */
export type Deliveries = 'single' | 'monthly';

/** The record types the generator writes, in landing order within one delivery. */
export const GENERATED_TYPES = [
  'fx_rates',
  'orders',
  'invoices',
  'commissions',
  'general_import',
  'exclusions',
] as const;
export type GeneratedType = (typeof GENERATED_TYPES)[number];

/** Types split by month when `deliveries` is `monthly`; the small general and exclusion imports stay single files. */
const MONTHLY_TYPES: ReadonlySet<GeneratedType> = new Set(['fx_rates', 'orders', 'invoices', 'commissions']);

interface OpenFile {
  readonly name: string;
  readonly type: GeneratedType;
  /** Sort key giving the landing order. */
  readonly rank: string;
  readonly writer: CsvFileWriter;
}

/** Where a written row landed. */
export interface RowLocation {
  readonly file: string;
  readonly row: number;
}

/**
 * Routes rows to CSV files by record type (and month), in the canonical column order of `record-types.ts`, and
 * reports the files in the order they should be landed. Every writer is closed by {@link close}, also on failure.
 */
export class OutputFiles {
  private readonly files = new Map<string, OpenFile>();
  /** Last file used per type and the day range it covers: most rows go where the previous one went. */
  private readonly recent = new Map<GeneratedType, { from: number; to: number; file: OpenFile }>();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly deliveries: Deliveries,
    private readonly firstDay: number,
    private readonly lastDay: number,
  ) {
    if (deliveries === 'single')
      for (const type of GENERATED_TYPES) this.open(`${type}.csv`, type, `1-${rankOf(type)}`);
  }

  /**
   * Writes a row in canonical column order (see {@link columnIndex}); `routeDay` picks the month. `plain`: the
   * caller guarantees no value needs CSV quoting (see {@link CsvFileWriter.writeRow}).
   */
  write(type: GeneratedType, routeDay: number, row: readonly string[], plain = false): RowLocation {
    const file = this.fileFor(type, routeDay);
    return { file: file.name, row: file.writer.writeRow(row, plain) };
  }

  /** Writes a record given by canonical column name (missing columns are empty); for the small files. */
  writeRecord(
    type: GeneratedType,
    routeDay: number,
    record: Readonly<Record<string, string | undefined>>,
  ): RowLocation {
    return this.write(
      type,
      routeDay,
      RECORD_TYPES[type].columns.map((c) => record[c] ?? ''),
    );
  }

  /** Writes to the re-delivery file of `type`, landed after everything else. */
  writeRedelivery(type: GeneratedType, row: readonly string[]): RowLocation {
    const name =
      this.deliveries === 'single' ? `${type}_redelivery.csv` : `${type}_${monthKeyOf(this.lastDay)}_redelivery.csv`;
    const file = this.files.get(name) ?? this.open(name, type, `9-${rankOf(type)}`);
    return { file: file.name, row: file.writer.writeRow(row) };
  }

  /** Closes every file; returns them in landing order. */
  close(): GeneratedFile[] {
    const result: GeneratedFile[] = [];
    let failure: unknown;
    for (const f of [...this.files.values()].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))) {
      try {
        const { rows, bytes } = f.writer.close();
        result.push({ name: f.name, type: f.type, rows, bytes });
      } catch (error) {
        failure ??= error;
      }
    }
    this.closed = true;
    if (failure !== undefined) throw failure;
    return result;
  }

  /** Closes quietly after a failure (the error that stopped generation is the one to report). */
  abort(): void {
    if (this.closed) return;
    for (const f of this.files.values()) {
      try {
        f.writer.close();
      } catch {
        // already failing: keep the first error
      }
    }
    this.closed = true;
  }

  private fileFor(type: GeneratedType, routeDay: number): OpenFile {
    const day = Math.min(Math.max(routeDay, this.firstDay), this.lastDay);
    const recent = this.recent.get(type);
    if (recent !== undefined && day >= recent.from && day <= recent.to) return recent.file;
    let file: OpenFile;
    let from = -Infinity;
    let to = Infinity;
    if (this.deliveries === 'single' || !MONTHLY_TYPES.has(type)) {
      const name = `${type}.csv`;
      file = this.files.get(name) ?? this.open(name, type, `5-${rankOf(type)}`);
    } else {
      const month = monthKeyOf(day);
      const name = `${type}_${month}.csv`;
      file = this.files.get(name) ?? this.open(name, type, `1-${month}-${rankOf(type)}`);
      from = firstOfMonth(day);
      to = lastOfMonth(day);
    }
    this.recent.set(type, { from, to, file });
    return file;
  }

  private open(name: string, type: GeneratedType, rank: string): OpenFile {
    if (this.closed) throw new Error(`Unexpected: ${name} opened after close`);
    const file: OpenFile = {
      name,
      type,
      rank,
      writer: new CsvFileWriter(join(this.dir, name), RECORD_TYPES[type].columns),
    };
    this.files.set(name, file);
    return file;
  }
}

function rankOf(type: GeneratedType): number {
  return GENERATED_TYPES.indexOf(type);
}

/** Position of each canonical column of `type` (rows are built as arrays: no per-row objects on the hot path). */
export function columnIndex(type: RecordTypeName): Readonly<Record<string, number>> {
  const index: Record<string, number> = {};
  RECORD_TYPES[type].columns.forEach((c, i) => {
    index[c] = i;
  });
  return index;
}

/** The column position of `column` in `type`; throws on a name that is not canonical (a generator bug). */
export function columnAt(index: Readonly<Record<string, number>>, column: string): number {
  const at = index[column];
  if (at === undefined) throw new Error(`Unexpected: no column ${column}`);
  return at;
}
