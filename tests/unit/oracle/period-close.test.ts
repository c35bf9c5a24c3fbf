import { describe, expect, test } from 'vitest';
import { decimal } from '../../../src/finance/money.js';
import { close, compute, initialState, reopen } from '../../oracle/ledger.js';
import { commission, doc, emptyInputs, order } from '../../oracle/input-builders.js';
import type { OracleInputs } from '../../oracle/oracle-types.js';
import { ledgerProblems } from './ledger-invariants.js';
import { rowsOf, series } from './oracle-helpers.js';

const config = { homeCurrency: 'USD', firstPeriod: 201901 };

function year2019(): OracleInputs {
  const inputs = emptyInputs(config);
  inputs.orders.push(order({ item: 'A', date: '2019-01-01', start: '2019-01-01', end: '2019-12-31', price: '365.00' }));
  return inputs;
}

describe('closes and the catch-up rule', () => {
  test('a late invoice and a late credit memo catch up in the current period; closed periods stay', () => {
    const inputs = year2019();
    let state = close(inputs, initialState(config)); // January closed with no invoice
    inputs.invoices.push(doc('INV', 'I1', 'A', '2019-01-15', '365.00'));
    let result = compute(inputs, state);
    expect(series(result, 'A', 'endingUnbilled', [201901])).toEqual(['31.00']);
    expect(series(result, 'A', 'newBilling', [201901, 201902])).toEqual(['0.00', '365.00']);
    expect(series(result, 'A', 'revenue', [201902])).toEqual(['28.00']);
    expect(series(result, 'A', 'beginningUnbilled', [201902])).toEqual(['31.00']);
    expect(series(result, 'A', 'endingUnearned', [201902])).toEqual(['306.00']);
    expect(ledgerProblems(result)).toEqual([]);

    state = close(inputs, state); // February closed
    inputs.invoices.push(doc('CM', 'CM1', 'A', '2019-02-20', '100.00', { referenceDocument: 'I1' }));
    result = compute(inputs, state);
    expect(series(result, 'A', 'revenue', [201901, 201902])).toEqual(['31.00', '28.00']);
    // Through March at 265.00: round(26500 × 90/365) = 65.34, less 59.00 frozen.
    expect(series(result, 'A', 'revenue', [201903])).toEqual(['6.34']);
    // Contra(Feb) with today's data: round(265 × 31/365) − round(365 × 31/365) = 22.51 − 31.00.
    expect(series(result, 'A', 'contra', [201903])).toEqual(['-8.49']);
    expect(series(result, 'A', 'ordinary', [201903])).toEqual(['14.83']);
    expect(series(result, 'A', 'newBilling', [201903])).toEqual(['-100.00']);
    expect(series(result, 'A', 'newBooking', [201903])).toEqual(['-100.00']);
    expect(series(result, 'A', 'endingUnearned', [201903])).toEqual(['199.66']);
    expect(ledgerProblems(result)).toEqual([]);
  });

  test('data dated before the first period catches up in it', () => {
    const c = { homeCurrency: 'USD', firstPeriod: 201904 };
    const inputs = emptyInputs(c);
    inputs.orders.push(order({ item: 'A', date: '2019-01-01', start: '2019-01-01', end: '2019-12-31', price: '365.00' }));
    inputs.invoices.push(doc('INV', 'I1', 'A', '2019-01-15', '365.00'));
    const result = compute(inputs, initialState(c));
    expect(rowsOf(result, 'A').has(201903)).toBe(false);
    expect(series(result, 'A', 'revenue', [201904, 201905])).toEqual(['120.00', '31.00']);
    expect(series(result, 'A', 'newBilling', [201904])).toEqual(['365.00']);
    expect(series(result, 'A', 'beginningUnearned', [201904])).toEqual(['0.00']);
  });

  test('a future-dated record is held until its period is current', () => {
    const inputs = year2019();
    inputs.orders.push(order({ item: 'F', date: '2019-02-03', start: '2019-02-01', end: '2019-02-28', price: '28.00' }));
    inputs.invoices.push(doc('INV', 'I2', 'A', '2019-03-01', '10.00'));
    inputs.commissions.push(commission('K1', 'A', '2019-02-01', '5.00'));
    const january = compute(inputs, initialState(config));
    expect(january.stage.map((s) => [s.type, s.key, s.code, s.status])).toEqual([
      ['orders', 'F', 'FUTURE_PERIOD', 'held'],
      ['invoices', 'I2|A', 'FUTURE_PERIOD', 'held'],
      ['commissions', 'K1', 'FUTURE_PERIOD', 'held'],
    ]);
    expect(january.lines.map((l) => l.key)).toEqual(['A']);
    const february = compute(inputs, close(inputs, initialState(config)));
    expect(february.lines.map((l) => l.key)).toEqual(['A', 'F']);
    expect(february.stage.map((s) => s.key)).toEqual(['I2|A']);
    expect(series(february, 'F', 'revenue', [201902])).toEqual(['28.00']);
    expect(series(february, 'A', 'newCommissions', [201902])).toEqual(['5.00']);
  });

  test('a line excluded after it was frozen is reversed in full in the current period', () => {
    const inputs = year2019();
    inputs.invoices.push(doc('INV', 'I1', 'A', '2019-01-15', '365.00'));
    const state = close(inputs, initialState(config));
    inputs.exclusions.push({ transactionId: 'A' });
    const result = compute(inputs, state);
    expect(result.lines).toEqual([]);
    const feb = rowsOf(result, 'A').get(201902)!;
    expect(feb.status).toBe('current');
    expect(feb.txn).toMatchObject({ beginningUnearned: 33400n, newBilling: -36500n, revenue: -3100n, endingUnearned: 0n, beginningBacklog: 33400n, newBooking: -36500n, endingBacklog: 0n });
    expect(feb.journal.map((j) => [j.accountType, j.debit, j.credit])).toEqual([
      ['Deferred Revenue', 33400n, 0n],
      ['Revenue', 0n, 33400n],
    ]);
    expect(result.stage.map((s) => [s.key, s.code, s.status])).toEqual([
      ['A', 'EXCLUDED', 'excluded'],
      ['I1|A', 'EXCLUDED', 'excluded'],
    ]);
    // Nothing more after the reversal is frozen.
    const later = compute(inputs, close(inputs, state));
    expect(later.rows.filter((r) => r.status !== 'closed')).toEqual([]);
  });

  test('an FX-pending line has no rows, is not frozen, and catches up when its rate arrives', () => {
    const c = { homeCurrency: 'USD', firstPeriod: 202401 };
    const inputs = emptyInputs(c);
    inputs.orders.push(order({ item: 'E', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00', currency: 'EUR' }));
    const january = compute(inputs, initialState(c));
    expect(january.rows).toEqual([]);
    expect(january.lines[0]?.fxPending).toBe(true);
    expect(january.stage).toMatchObject([{ type: 'orders', key: 'E', code: 'FX_PENDING', status: 'held' }]);
    const state = close(inputs, initialState(c));
    expect(state.closes[0]?.lines.size).toBe(0);
    inputs.fxRates.push({ fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2024-01-01', rate: decimal('1.5') });
    const february = compute(inputs, state);
    expect(rowsOf(february, 'E').has(202401)).toBe(false);
    expect(series(february, 'E', 'revenue', [202402])).toEqual(['60.00']);
    expect(series(february, 'E', 'revenue', [202402], 'home')).toEqual(['90.00']);
    expect(series(february, 'E', 'endingUnbilled', [202402], 'home')).toEqual(['90.00']);
    expect(ledgerProblems(february)).toEqual([]);
  });

  test('a frozen line that turns FX-pending shows nothing until its rate arrives, then catches up from its last freeze', () => {
    const inputs = year2019();
    let state = close(inputs, initialState(config)); // January: revenue 31.00 frozen
    inputs.commissions.push(commission('K1', 'A', '2019-02-10', '100.00', { currency: 'EUR', class: 'Sales' }));
    const february = compute(inputs, state);
    expect(february.rows.filter((r) => r.status !== 'closed')).toEqual([]);
    expect(february.stage).toMatchObject([{ type: 'commissions', key: 'K1', code: 'FX_PENDING' }]);
    state = close(inputs, state); // nothing frozen for A in February
    inputs.fxRates.push({ fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2019-02-09', rate: decimal('1.2') });
    const march = compute(inputs, state);
    expect(rowsOf(march, 'A').has(201902)).toBe(false);
    expect(series(march, 'A', 'revenue', [201903])).toEqual(['59.00']);
    expect(series(march, 'A', 'beginningUnbilled', [201903])).toEqual(['31.00']);
    expect(series(march, 'A', 'newCommissions', [201903], 'home')).toEqual(['120.00']);
    // round(100.00 × 90/365) = 24.66 EUR → round(24.66 × 1.2) = 29.59 USD
    expect(series(march, 'A', 'amortization', [201903], 'home')).toEqual(['29.59']);
    const journal = rowsOf(march, 'A').get(201903)!.journal;
    expect(journal.filter((j) => j.class === 'Sales').map((j) => j.accountType)).toEqual(['Deferred Expense', 'Expense Clearing', 'Expense Recognized']);
    expect(ledgerProblems(march)).toEqual([]);
  });

  test('reopen drops the latest close; closing again freezes today’s numbers', () => {
    const inputs = year2019();
    const closed = close(inputs, initialState(config));
    inputs.invoices.push(doc('INV', 'I1', 'A', '2019-01-15', '365.00'));
    const reopened = reopen(closed);
    expect(reopened).toEqual({ currentPeriod: 201901, closes: [] });
    const again = compute(inputs, close(inputs, reopened));
    expect(rowsOf(again, 'A').get(201901)).toMatchObject({ status: 'closed', txn: { newBilling: 36500n, endingUnearned: 33400n } });
    expect(() => reopen(reopened)).toThrow(/nothing to reopen/);
  });
});
