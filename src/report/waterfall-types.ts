/**
 * The revenue waterfall as data: every amount is `bigint` minor units of the home currency (never a JS number), read
 * from the warehouse as exact strings. Computed once, then drawn (SVG chart, HTML tables) and embedded as JSON.
 */
export type BarKind = 'recognized' | 'scheduled';

export interface WaterfallBar {
  readonly period: number;
  /** Revenue of the period, home currency, minor units. */
  readonly amount: bigint;
  /** Closed and current periods are recognized (fct_line_periods); later ones are scheduled (fct_revenue_schedule). */
  readonly kind: BarKind;
}

/** Movements of one reported period (closed or current), summed over lines, from `marts.fct_line_periods`. */
export interface PeriodMovements {
  readonly period: number;
  readonly revenue: bigint;
  readonly billing: bigint;
  readonly fcc: bigint;
  readonly adjustment: bigint;
}

/** Journals of one period from `marts.fct_journal_lines`, netted per account group. */
export interface PeriodJournals {
  readonly period: number;
  /** Credits − debits on the Revenue and Contra Revenue accounts. */
  readonly revenueNetCredit: bigint;
  /** Credits − debits on Deferred Revenue (the liability). */
  readonly deferredNetCredit: bigint;
  /** Debits − credits on Unbilled Receivable (the asset). */
  readonly unbilledNetDebit: bigint;
}

/** Sums over the lines' rows of one period `P` (frozen when P is closed). */
export interface BalancesAt {
  readonly endUnearned: bigint;
  readonly endUnbilled: bigint;
  readonly endBacklog: bigint;
  readonly cumBooked: bigint;
  readonly cumBilling: bigint;
  readonly cumAdjustment: bigint;
  readonly cumRevenue: bigint;
  /** Foreign-currency change of every reported period up to P. */
  readonly cumFcc: bigint;
}

export interface WaterfallSettings {
  readonly homeCurrency: string;
  readonly homeMinorUnit: number;
  readonly firstPeriod: number;
  readonly currentPeriod: number;
  readonly lastClosedPeriod: number | null;
}

export interface WaterfallData {
  readonly settings: WaterfallSettings;
  /** The period the reconciliation is for (current, or a closed one). */
  readonly period: number;
  readonly bars: readonly WaterfallBar[];
  readonly movements: readonly PeriodMovements[];
  readonly journals: readonly PeriodJournals[];
  readonly balances: BalancesAt;
  /** The current period's revenue in `fct_revenue_schedule` (must equal the `fct_line_periods` bar). */
  readonly scheduleCurrentRevenue: bigint;
}

/** One reconciliation line: two amounts that must be equal. */
export interface TieCheck {
  readonly id: string;
  readonly title: string;
  readonly left: { readonly label: string; readonly amount: bigint };
  readonly right: { readonly label: string; readonly amount: bigint };
  readonly difference: bigint;
  readonly ties: boolean;
  /** The parts the right side is built from, shown under it. */
  readonly parts?: readonly { readonly label: string; readonly amount: bigint; readonly sign: '+' | '−' }[];
  readonly note?: string;
}

/** One row of "revenue per period vs journals". */
export interface RevenueJournalRow {
  readonly period: number;
  readonly revenue: bigint;
  readonly journalRevenue: bigint;
  readonly billing: bigint;
  readonly fcc: bigint;
  readonly adjustment: bigint;
  /** journalRevenue + billing + fcc + adjustment. */
  readonly implied: bigint;
  readonly difference: bigint;
  readonly provisional: boolean;
}

export interface WaterfallReport {
  readonly data: WaterfallData;
  readonly recognizedTotal: bigint;
  readonly scheduledTotal: bigint;
  /** Sum of the bars after the report period. */
  readonly afterPeriodTotal: bigint;
  readonly checks: readonly TieCheck[];
  readonly revenueVsJournals: readonly RevenueJournalRow[];
  readonly allTie: boolean;
}
