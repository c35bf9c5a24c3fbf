import type { RecordTypeName } from '../extract/record-types.js';
import type { StageCode, StageStatus } from './sample-model.js';

/**
 * What a generation produced, returned by `generateCompany` and written as `generation-summary.json`: files in
 * landing order, counts, and every row that is meant to land in the stage area, so tests can assert it later.
 */
export interface ExpectedStageRow {
  /** File name as landed (`orders.csv`, `sample.zip!orders.csv`, `sample.xlsx`). */
  file: string;
  /** XLSX only: the tab. */
  sheet?: string;
  /** Row number in the file or tab; the header is row 1. */
  row: number;
  type: RecordTypeName;
  /** The record key: its key columns' text joined by `|` (`INV-0000012|SO-0000003-01`). */
  key: string;
  code: StageCode;
  status: StageStatus;
  /** The column that carries the defect, when one does. */
  column?: string;
  note: string;
  /** Where the corrected version of this row is re-delivered (latest Version wins). */
  correctedBy?: { file: string; sheet?: string; row: number };
}

export interface GeneratedFile {
  /** Name as landed, in the same notation as {@link ExpectedStageRow.file}. */
  name: string;
  type: RecordTypeName;
  sheet?: string;
  /** Data rows (header excluded). */
  rows: number;
  /** Bytes of the CSV text (for ZIP entries and XLSX tabs: of the CSV it was made from). */
  bytes: number;
}

export interface SplitCheck {
  source: string;
  transactionId: string;
  currency: string;
  /** The line's allocated amount by relative SSP (largest remainder), decimal text. */
  allocated: string;
  parts: { splitId: string; amount: string }[];
  /** Sum of the parts, decimal text. */
  sum: string;
  /** False for the deliberately bad split (BAD_OVERRIDE). */
  valid: boolean;
}

export interface FxSummary {
  pairs: string[];
  rows: number;
  /** Currency with the deliberate gap longer than the age limit, and the rate dates left out. */
  gapCurrency: string | null;
  gapMissingFrom: string | null;
  gapMissingTo: string | null;
  /** Dates on which a lookup of the gap currency finds no rate at most 3 days old. */
  pendingFrom: string | null;
  pendingTo: string | null;
  /** Inverse-pair rows (home → foreign) and whether the direct row exists the same day. */
  inverseRows: { date: string; from: string; to: string; directRowSameDay: boolean }[];
}

export interface GenerationSummary {
  schemaVersion: 1;
  /** Options as resolved, without `outDir` (so two runs into different folders give the same summary). */
  options: {
    seed: number | string;
    contracts: number;
    orderLines: number | null;
    firstPeriod: string;
    months: number;
    homeCurrency: string;
    badRows: boolean;
    fxGap: boolean;
    format: 'csv' | 'xlsx' | 'zip';
    deliveries: 'single' | 'monthly';
  };
  /**
   * The generated months. `expected` assumes the engine's current period is `lastPeriod` (the extract date is the
   * window's last day); with an earlier current period, later-dated rows are held as FUTURE_PERIOD as well.
   */
  window: { firstDate: string; lastDate: string; firstPeriod: string; lastPeriod: string };
  /** Files in the order they should be landed (their load Versions ascend in this order). */
  files: GeneratedFile[];
  /**
   * Data rows per generated record type over all its files (re-delivered rows included); `salesOrders` counts the
   * orders, `orders` their lines.
   */
  counts: Record<'orders' | 'invoices' | 'commissions' | 'fx_rates' | 'general_import' | 'exclusions', number> & {
    salesOrders: number;
  };
  /** Rows per currency code as written (upper-cased) and record type. */
  currencies: Record<string, Partial<Record<RecordTypeName, number>>>;
  expected: ExpectedStageRow[];
  /** True when `expected` was capped (very large runs with FX gaps); counts below stay exact. */
  expectedTruncated: boolean;
  expectedCounts: Partial<Record<StageCode, number>>;
  splits: SplitCheck[];
  fx: FxSummary;
  /** Exclusion import content. */
  exclusions: string[];
  /** Special cases that did not fit (too few contracts for one slot each). */
  omitted: string[];
}

/** Cap on listed expected rows; a 1M-line run with an FX gap would otherwise list thousands of held lines. */
export const EXPECTED_LIMIT = 5000;
