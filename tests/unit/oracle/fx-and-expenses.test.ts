import { describe, expect, test } from 'vitest';
import { decimal } from '../../../src/finance/money.js';
import { compute, initialState } from '../../oracle/ledger.js';
import { commission, doc, emptyInputs, order } from '../../oracle/input-builders.js';
import { ledgerProblems } from './ledger-invariants.js';
import { rowsOf, series } from './oracle-helpers.js';

describe('foreign exchange', () => {
  test('documents at their own rate, an IVC at the rate of its INV, FCC balances the home rollforward', () => {
    const config = { homeCurrency: 'USD', firstPeriod: 202403, maxRateAgeDays: 60 };
    const inputs = emptyInputs(config);
    inputs.fxRates.push(
      { fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2024-01-01', rate: decimal('1.5') },
      { fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2024-02-01', rate: decimal('2.0') },
    );
    const eur = { currency: 'EUR' };
    inputs.orders.push(order({ item: 'E', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00', currency: 'EUR' }));
    inputs.invoices.push(
      doc('INV', 'I1', 'E', '2024-01-05', '100.00', eur),
      doc('IVC', 'V1', 'E', '2024-02-05', '100.00', { ...eur, referenceDocument: 'I1' }),
      doc('INV', 'I2', 'E', '2024-02-05', '36.60', eur),
    );
    // Close nothing: first period 202403, so January and February catch up in March. Compare the cumulative view.
    const result = compute(inputs, initialState(config));
    const march = rowsOf(result, 'E').get(202403)!;
    expect(march.txn.newBilling).toBe(3660n);
    // 150.00 − 150.00 (IVC at the INV's rate, no residue) + 73.20
    expect(march.home.newBilling).toBe(7320n);
    expect(march.home.revenue).toBe(13650n); // round(91.00 × 1.5)
    // net = 36.60 − 91.00 = −54.40 → home −81.60; FCC = −81.60 − 73.20 + 136.50 = −18.30 = 36.60 × (1.5 − 2.0)
    expect(march.home.endingUnbilled).toBe(8160n);
    expect(march.home.foreignCurrencyChange).toBe(-1830n);
    // Pairs: billing 73.20 (Dr Revenue / Cr DR), ordinary 136.50 (Dr DR / Cr Revenue), ΔUB 81.60 (Dr UR / Cr DR),
    // FCC −18.30 (swapped: Dr DR / Cr Revenue). Deferred Revenue nets to 0, as the unearned balance stays 0.
    expect(march.journal.map((j) => [j.accountType, j.debit, j.credit])).toEqual([
      ['Unbilled Receivable', 8160n, 0n],
      ['Revenue', 0n, 8160n],
    ]);
    expect(ledgerProblems(result)).toEqual([]);
  });

  test('the inverse row is exact 1/Rate and a JPY line carries home decimals', () => {
    const config = { homeCurrency: 'USD', firstPeriod: 202401 };
    const inputs = emptyInputs(config);
    inputs.fxRates.push({ fromCurrency: 'USD', toCurrency: 'JPY', rateDate: '2024-01-01', rate: decimal('150') });
    inputs.orders.push(order({ item: 'J', date: '2024-01-02', start: '2024-01-01', end: '2024-01-31', price: '5000', currency: 'JPY' }));
    const result = compute(inputs, initialState(config));
    expect(series(result, 'J', 'revenue', [202401], 'txn', 0)).toEqual(['5000']);
    expect(series(result, 'J', 'revenue', [202401], 'home')).toEqual(['33.33']);
  });
});

describe('commissions', () => {
  test('capitalized in its period, amortized with the line, journals with the class', () => {
    const config = { homeCurrency: 'USD', firstPeriod: 201901 };
    const inputs = emptyInputs(config);
    inputs.orders.push(order({ item: 'A', date: '2019-01-01', start: '2019-01-01', end: '2019-12-31', price: '365.00' }));
    inputs.commissions.push(commission('K', 'A', '2019-01-20', '36.50', { class: 'Sales' }));
    const result = compute(inputs, initialState(config));
    expect(series(result, 'A', 'newCommissions', [201901, 201902])).toEqual(['36.50', '0.00']);
    expect(series(result, 'A', 'amortization', [201901, 201902, 201912])).toEqual(['3.10', '2.80', '3.10']);
    expect(series(result, 'A', 'endingDeferredExpense', [201901, 201912])).toEqual(['33.40', '0.00']);
    const january = rowsOf(result, 'A').get(201901)!.journal.filter((j) => j.class === 'Sales');
    expect(january.map((j) => [j.accountType, j.debit, j.credit])).toEqual([
      ['Deferred Expense', 3340n, 0n],
      ['Expense Clearing', 0n, 3650n],
      ['Expense Recognized', 310n, 0n],
    ]);
  });

  test('expedient: a line of at most 12.00 months expenses at once; a longer one amortizes', () => {
    const config = { homeCurrency: 'USD', firstPeriod: 201901, commissionExpedient: true };
    const inputs = emptyInputs(config);
    inputs.orders.push(
      order({ item: 'A', date: '2019-01-01', start: '2019-01-01', end: '2019-12-31', price: '365.00' }),
      order({ item: 'L', date: '2019-01-01', start: '2019-01-01', end: '2020-01-01', price: '366.00' }),
    );
    inputs.commissions.push(commission('K1', 'A', '2019-01-20', '36.50'), commission('K2', 'L', '2019-01-20', '36.60'));
    const result = compute(inputs, initialState(config));
    expect(series(result, 'A', 'amortization', [201901, 201902])).toEqual(['36.50', '0.00']);
    expect(series(result, 'A', 'endingDeferredExpense', [201901])).toEqual(['0.00']);
    expect(rowsOf(result, 'A').get(201901)!.journal.some((j) => j.accountType === 'Deferred Expense')).toBe(false);
    expect(result.lines.find((l) => l.key === 'L')?.duration).toBe('12.03');
    expect(series(result, 'L', 'amortization', [201901])).toEqual(['3.10']);
  });
});
