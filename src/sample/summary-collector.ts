import type { RecordTypeName } from '../extract/record-types.js';
import {
  EXPECTED_LIMIT,
  type ExpectedStageRow,
  type GeneratedFile,
  type GenerationSummary,
  type SplitCheck,
  type FxSummary,
} from './generation-summary.js';
import type { RowLocation } from './output-files.js';
import { statusOf, type RowDefect, type StageCode } from './sample-model.js';

/** Accumulates counts and expected stage rows while the generator streams; memory stays bounded by the caps. */
export class SummaryCollector {
  readonly expected: ExpectedStageRow[] = [];
  readonly expectedCounts: Partial<Record<StageCode, number>> = {};
  readonly splits: SplitCheck[] = [];
  readonly omitted: string[] = [];
  readonly exclusions: string[] = [];
  /** Raw currency text → record type → rows (merged case-insensitively when the summary is built). */
  private readonly currencyRows = new Map<string, Map<RecordTypeName, number>>();
  salesOrders = 0;
  private truncated = false;

  /** Counts a written row under its currency column text (upper-cased; blank is `(blank)`). */
  countCurrency(type: RecordTypeName, currencyText: string | undefined): void {
    const text = currencyText ?? '';
    let perType = this.currencyRows.get(text);
    if (perType === undefined) {
      perType = new Map();
      this.currencyRows.set(text, perType);
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
  }

  /** Records that the row at `at` must land in the stage area with `defect.code`. */
  expect(at: RowLocation, type: RecordTypeName, key: string, defect: RowDefect): ExpectedStageRow | undefined {
    this.expectedCounts[defect.code] = (this.expectedCounts[defect.code] ?? 0) + 1;
    if (this.expected.length >= EXPECTED_LIMIT) {
      this.truncated = true;
      return undefined;
    }
    const row: ExpectedStageRow = {
      file: at.file,
      row: at.row,
      type,
      key,
      code: defect.code,
      status: statusOf(defect.code),
      ...(defect.column === undefined ? {} : { column: defect.column }),
      note: defect.note,
    };
    this.expected.push(row);
    return row;
  }

  /** The finished summary. */
  build(
    options: GenerationSummary['options'],
    window: GenerationSummary['window'],
    files: GeneratedFile[],
    fx: FxSummary,
  ): GenerationSummary {
    const counts = { salesOrders: this.salesOrders } as GenerationSummary['counts'];
    for (const type of ['orders', 'invoices', 'commissions', 'fx_rates', 'general_import', 'exclusions'] as const) {
      counts[type] = files.filter((f) => f.type === type).reduce((sum, f) => sum + f.rows, 0);
    }
    const merged = new Map<string, Partial<Record<RecordTypeName, number>>>();
    for (const [text, perType] of this.currencyRows) {
      const code = text === '' ? '(blank)' : text.toUpperCase();
      const into = merged.get(code) ?? {};
      for (const [type, rows] of perType) into[type] = (into[type] ?? 0) + rows;
      merged.set(code, into);
    }
    const currencies: GenerationSummary['currencies'] = {};
    for (const code of [...merged.keys()].sort()) currencies[code] = merged.get(code) ?? {};
    // Expected rows in landing order (file, then row), whatever order the generator met them in.
    const rank = new Map(files.map((f, i) => [f.name, i]));
    const expected = [...this.expected].sort(
      (a, b) => (rank.get(a.file) ?? 0) - (rank.get(b.file) ?? 0) || a.row - b.row,
    );
    return {
      schemaVersion: 1,
      options,
      window,
      files,
      counts,
      currencies,
      expected,
      expectedTruncated: this.truncated,
      expectedCounts: this.expectedCounts,
      splits: this.splits,
      fx,
      exclusions: this.exclusions,
      omitted: this.omitted,
    };
  }
}
