import { expect, test } from 'vitest';
import type { JournalMovements } from '../../../src/finance/journals.js';
import { ACCOUNT_TYPES, journalLines, journalPairs } from '../../../src/finance/journals.js';

const zero: JournalMovements = {
  billing: 0n,
  ordinaryRevenue: 0n,
  contra: 0n,
  unbilledChange: 0n,
  foreignCurrencyChange: 0n,
  adjustment: 0n,
  newCommissions: 0n,
  amortization: 0n,
};

test('account type names are exactly the exported ones', () => {
  expect(ACCOUNT_TYPES).toEqual([
    'Deferred Expense',
    'Deferred Revenue',
    'Unbilled Receivable',
    'Contra Revenue',
    'Revenue',
    'Expense Clearing',
    'Expense Recognized',
  ]);
});

test('billing 365 and revenue 31 in January net to Deferred Revenue credit 334, Revenue debit 334', () => {
  expect(journalLines({ ...zero, billing: 36500n, ordinaryRevenue: 3100n })).toEqual([
    { accountType: 'Deferred Revenue', debit: 0n, credit: 33400n },
    { accountType: 'Revenue', debit: 33400n, credit: 0n },
  ]);
});

test('a credit memo on recognized revenue posts Contra Revenue', () => {
  // February of the 181.00 example: billing −90.50 (CM), ordinary 14.00, contra −15.50.
  const lines = journalLines({ ...zero, billing: -9050n, ordinaryRevenue: 1400n, contra: -1550n });
  expect(lines).toEqual([
    // Unearned goes from 150.00 to 61.00: Deferred Revenue is debited 89.00.
    { accountType: 'Deferred Revenue', debit: 8900n, credit: 0n },
    { accountType: 'Contra Revenue', debit: 1550n, credit: 0n },
    { accountType: 'Revenue', debit: 0n, credit: 10450n },
  ]);
});

test('negative amounts swap sides; zero gives nothing; commissions', () => {
  expect(journalPairs({ ...zero, unbilledChange: -500n })).toEqual([
    { movement: 'unbilledChange', debit: 'Deferred Revenue', credit: 'Unbilled Receivable', amount: 500n },
  ]);
  expect(journalLines(zero)).toEqual([]);
  expect(journalLines({ ...zero, newCommissions: 1000n, amortization: 1000n })).toEqual([
    { accountType: 'Expense Clearing', debit: 0n, credit: 1000n },
    { accountType: 'Expense Recognized', debit: 1000n, credit: 0n },
  ]);
});

test('netted rows always balance', () => {
  let seed = 11;
  const next = () => BigInt(((seed = (seed * 48271) % 2147483647) % 20001) - 10000);
  for (let i = 0; i < 300; i++) {
    const lines = journalLines({
      billing: next(),
      ordinaryRevenue: next(),
      contra: next(),
      unbilledChange: next(),
      foreignCurrencyChange: next(),
      adjustment: next(),
      newCommissions: next(),
      amortization: next(),
    });
    expect(lines.reduce((s, l) => s + l.debit - l.credit, 0n)).toBe(0n);
    for (const line of lines) expect(line.debit === 0n || line.credit === 0n).toBe(true);
  }
});
