import type { Measures, OracleResult, ReportedRow } from '../../oracle/oracle-types.js';

/**
 * Row-level rules the spec states as identities, checked without `expect` per value (thousands of rows per
 * compute): each function returns the problems found, empty when all hold.
 */

function where(row: ReportedRow): string {
  return `line ${row.lineKey} period ${row.period} (${row.status})`;
}

function check(problems: string[], ok: boolean, message: () => string): void {
  if (!ok) problems.push(message());
}

/** Rollforward identity, balances, backlog, expenses and journals of every row. */
export function rowProblems(result: OracleResult): string[] {
  const problems: string[] = [];
  for (const row of result.rows) {
    for (const view of ['txn', 'home'] as const) {
      const m: Measures = row[view];
      const at = () => `${view}, ${where(row)}`;
      const change = m.endingUnearned - m.endingUnbilled - (m.beginningUnearned - m.beginningUnbilled);
      check(problems, change === m.newBilling - m.revenue + m.foreignCurrencyChange + m.adjustment, () => `rollforward identity, ${at()}`);
      check(problems, m.beginningUnearned >= 0n && m.beginningUnbilled >= 0n && m.endingUnearned >= 0n && m.endingUnbilled >= 0n, () => `negative balance, ${at()}`);
      check(problems, m.beginningUnearned === 0n || m.beginningUnbilled === 0n, () => `both beginning balances, ${at()}`);
      check(problems, m.endingUnearned === 0n || m.endingUnbilled === 0n, () => `both ending balances, ${at()}`);
      check(problems, m.endingBacklog === m.beginningBacklog + m.newBooking - m.totalRevenue, () => `backlog, ${at()}`);
      check(problems, m.totalRevenue === m.revenue && m.ordinary + m.contra === m.revenue, () => `revenue parts, ${at()}`);
      check(problems, m.endingDeferredExpense === m.beginningDeferredExpense + m.newCommissions - m.amortization, () => `deferred expense, ${at()}`);
    }
    check(problems, row.txn.foreignCurrencyChange === 0n, () => `txn FCC, ${where(row)}`);

    const net = new Map(row.journal.map((j) => [j.accountType, j.debit - j.credit]));
    const debits = row.journal.reduce((s, j) => s + j.debit, 0n);
    const credits = row.journal.reduce((s, j) => s + j.credit, 0n);
    check(problems, debits === credits, () => `journal does not balance, ${where(row)}`);
    check(problems, row.journal.every((j) => (j.debit === 0n) !== (j.credit === 0n)), () => `journal row with two sides or none, ${where(row)}`);
    const h = row.home;
    check(problems, -(net.get('Deferred Revenue') ?? 0n) === h.endingUnearned - h.beginningUnearned, () => `Deferred Revenue ≠ Δunearned, ${where(row)}`);
    check(problems, (net.get('Unbilled Receivable') ?? 0n) === h.endingUnbilled - h.beginningUnbilled, () => `Unbilled Receivable ≠ Δunbilled, ${where(row)}`);
    check(problems, (net.get('Deferred Expense') ?? 0n) === h.endingDeferredExpense - h.beginningDeferredExpense, () => `Deferred Expense ≠ Δbalance, ${where(row)}`);
    check(problems, (net.get('Contra Revenue') ?? 0n) === -h.contra, () => `Contra Revenue ≠ −contra, ${where(row)}`);
  }
  return problems;
}

/** Each reported row begins where the line's previous reported row ended (a missing row is all zeros). */
export function continuityProblems(result: OracleResult): string[] {
  const problems: string[] = [];
  const previous = new Map<string, ReportedRow>();
  for (const row of result.rows) {
    const before = previous.get(row.lineKey);
    for (const view of ['txn', 'home'] as const) {
      const m = row[view];
      const b = before?.[view];
      check(
        problems,
        m.beginningUnearned === (b?.endingUnearned ?? 0n) &&
          m.beginningUnbilled === (b?.endingUnbilled ?? 0n) &&
          m.beginningBacklog === (b?.endingBacklog ?? 0n) &&
          m.beginningDeferredExpense === (b?.endingDeferredExpense ?? 0n),
        () => `continuity, ${view}, ${where(row)}`,
      );
    }
    previous.set(row.lineKey, row);
  }
  return problems;
}

/** Σ allocated = Σ booking per sales order. */
export function allocationProblems(result: OracleResult): string[] {
  const totals = new Map<string, { booking: bigint; allocated: bigint }>();
  for (const line of result.lines) {
    if (line.kind !== 'order') continue;
    const t = totals.get(line.salesOrderId) ?? { booking: 0n, allocated: 0n };
    t.booking += line.booking;
    t.allocated += line.allocated;
    totals.set(line.salesOrderId, t);
  }
  return [...totals].filter(([, t]) => t.allocated !== t.booking).map(([id]) => `allocation of order ${id} does not sum to its TP`);
}

/** All of the above. */
export function ledgerProblems(result: OracleResult): string[] {
  return [...rowProblems(result), ...continuityProblems(result), ...allocationProblems(result)];
}
