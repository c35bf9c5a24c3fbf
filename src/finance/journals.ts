/**
 * Journal entries in home currency (spec "Journals"): the balanced pairs of each movement of a line and period,
 * then netted per account type into one debit or credit. Because every pair balances, the netted rows balance,
 * and Deferred Revenue, Unbilled Receivable and Deferred Expense move exactly with their balances.
 */

/** The account types, spelled as exported. */
export const ACCOUNT_TYPES = [
  'Deferred Expense',
  'Deferred Revenue',
  'Unbilled Receivable',
  'Contra Revenue',
  'Revenue',
  'Expense Clearing',
  'Expense Recognized',
] as const;

/** One account type of {@link ACCOUNT_TYPES}. */
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** The home-currency movements of one line and period that journals are made of (signed minor units). */
export interface JournalMovements {
  readonly billing: bigint;
  readonly ordinaryRevenue: bigint;
  /** `Contra(p)`; its pair posts `−Contra(p)`. */
  readonly contra: bigint;
  /** `ΔEnding_Unbilled_Receivable`. */
  readonly unbilledChange: bigint;
  readonly foreignCurrencyChange: bigint;
  readonly adjustment: bigint;
  readonly newCommissions: bigint;
  readonly amortization: bigint;
}

/** One balanced pair before netting. */
export interface JournalPair {
  readonly movement: keyof JournalMovements;
  readonly debit: AccountType;
  readonly credit: AccountType;
  readonly amount: bigint;
}

/** A netted row: exactly one side is non-zero. */
export interface JournalLine {
  readonly accountType: AccountType;
  readonly debit: bigint;
  readonly credit: bigint;
}

/** The spec's table: movement → (debit, credit, amount posted). */
const PAIRS: ReadonlyArray<readonly [keyof JournalMovements, AccountType, AccountType, (m: JournalMovements) => bigint]> = [
  ['billing', 'Revenue', 'Deferred Revenue', (m) => m.billing],
  ['ordinaryRevenue', 'Deferred Revenue', 'Revenue', (m) => m.ordinaryRevenue],
  ['contra', 'Contra Revenue', 'Deferred Revenue', (m) => -m.contra],
  ['unbilledChange', 'Unbilled Receivable', 'Deferred Revenue', (m) => m.unbilledChange],
  ['foreignCurrencyChange', 'Revenue', 'Deferred Revenue', (m) => m.foreignCurrencyChange],
  ['adjustment', 'Revenue', 'Deferred Revenue', (m) => m.adjustment],
  ['newCommissions', 'Deferred Expense', 'Expense Clearing', (m) => m.newCommissions],
  ['amortization', 'Expense Recognized', 'Deferred Expense', (m) => m.amortization],
];

/** The balanced pairs of the movements; a negative amount swaps sides, a zero amount gives no pair. */
export function journalPairs(movements: JournalMovements): JournalPair[] {
  const pairs: JournalPair[] = [];
  for (const [movement, debit, credit, amountOf] of PAIRS) {
    const amount = amountOf(movements);
    if (amount > 0n) pairs.push({ movement, debit, credit, amount });
    else if (amount < 0n) pairs.push({ movement, debit: credit, credit: debit, amount: -amount });
  }
  return pairs;
}

/** Nets pairs per account type: one row per type with a non-zero net, in {@link ACCOUNT_TYPES} order. */
export function netJournalPairs(pairs: readonly JournalPair[]): JournalLine[] {
  const net = new Map<AccountType, bigint>();
  for (const pair of pairs) {
    net.set(pair.debit, (net.get(pair.debit) ?? 0n) + pair.amount);
    net.set(pair.credit, (net.get(pair.credit) ?? 0n) - pair.amount);
  }
  const lines: JournalLine[] = [];
  for (const accountType of ACCOUNT_TYPES) {
    const amount = net.get(accountType) ?? 0n;
    if (amount > 0n) lines.push({ accountType, debit: amount, credit: 0n });
    else if (amount < 0n) lines.push({ accountType, debit: 0n, credit: -amount });
  }
  return lines;
}

/** The netted journal of one line and period. */
export function journalLines(movements: JournalMovements): JournalLine[] {
  return netJournalPairs(journalPairs(movements));
}
