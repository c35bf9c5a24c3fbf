/**
 * A reported row is the difference of two cumulative vectors: the base (frozen at the last close for the current
 * period, the previous period's for a future one) and the cumulative through the period. Beginning balances come
 * from the base, endings from the period, movements are differences, and the home FX change balances the identity.
 */
import type { AccountType } from '../../src/finance/journals.js';
import { journalLines } from '../../src/finance/journals.js';
import type { Period } from '../../src/finance/periods.js';
import type { CumulativeVector, LineKind, Measures, OracleJournalLine, PeriodStatus, ReportedRow } from './oracle-types.js';

const EXPENSE_ACCOUNTS: ReadonlySet<AccountType> = new Set(['Deferred Expense', 'Expense Clearing', 'Expense Recognized']);

interface View {
  billing: bigint;
  revenue: bigint;
  contra: bigint;
  adjustment: bigint;
  booked: bigint;
  net: bigint;
  newCommissions: bigint;
  amortization: bigint;
}

function transactionView(v: CumulativeVector): View {
  return {
    billing: v.billing,
    revenue: v.revenue,
    contra: v.contra,
    adjustment: v.adjustment,
    booked: v.booked,
    net: v.billing - v.revenue + v.adjustment,
    newCommissions: v.newCommissions,
    amortization: v.amortization,
  };
}

function homeView(v: CumulativeVector): View {
  return {
    billing: v.billingHome,
    revenue: v.revenueHome,
    contra: v.contraHome,
    adjustment: v.adjustmentHome,
    booked: v.bookedHome,
    net: v.netHome,
    newCommissions: v.newCommissionsHome,
    amortization: v.amortizationHome,
  };
}

const positive = (x: bigint) => (x > 0n ? x : 0n);

function measures(base: View, current: View, booking: bigint): Measures {
  const revenue = current.revenue - base.revenue;
  const contra = current.contra - base.contra;
  const newBilling = current.billing - base.billing;
  const adjustment = current.adjustment - base.adjustment;
  return {
    booking,
    beginningUnearned: positive(base.net),
    newBilling,
    revenue,
    contra,
    ordinary: revenue - contra,
    // Zero in transaction currency by construction; the balancing item in home currency.
    foreignCurrencyChange: current.net - base.net - newBilling + revenue - adjustment,
    adjustment,
    endingUnearned: positive(current.net),
    beginningUnbilled: positive(-base.net),
    endingUnbilled: positive(-current.net),
    beginningBacklog: base.booked - base.revenue,
    newBooking: current.booked - base.booked,
    totalRevenue: revenue,
    endingBacklog: current.booked - current.revenue,
    beginningDeferredExpense: base.newCommissions - base.amortization,
    newCommissions: current.newCommissions - base.newCommissions,
    amortization: current.amortization - base.amortization,
    endingDeferredExpense: current.newCommissions - current.amortization,
  };
}

/** The row of `period` from `base` to `current`; `journalClass` goes on expense journal rows. */
export function reportedRow(
  lineKey: string,
  lineKind: LineKind,
  period: Period,
  status: PeriodStatus,
  base: CumulativeVector,
  current: CumulativeVector,
  booking: { txn: bigint; home: bigint },
  journalClass: string,
): ReportedRow {
  const txn = measures(transactionView(base), transactionView(current), booking.txn);
  const home = measures(homeView(base), homeView(current), booking.home);
  const journal: OracleJournalLine[] = journalLines({
    billing: home.newBilling,
    ordinaryRevenue: home.ordinary,
    contra: home.contra,
    unbilledChange: home.endingUnbilled - home.beginningUnbilled,
    foreignCurrencyChange: home.foreignCurrencyChange,
    adjustment: home.adjustment,
    newCommissions: home.newCommissions,
    amortization: home.amortization,
  }).map((line) => ({ ...line, class: EXPENSE_ACCOUNTS.has(line.accountType) ? journalClass : '' }));
  return { lineKey, lineKind, period, status, txn, home, journal };
}

/** Does the row carry any non-zero balance or movement (booking aside)? Rows exist only then. */
export function hasContent(row: ReportedRow): boolean {
  for (const view of [row.txn, row.home]) {
    for (const [name, value] of Object.entries(view)) if (name !== 'booking' && value !== 0n) return true;
  }
  return row.journal.length > 0;
}
