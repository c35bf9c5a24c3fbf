import { describe, expect, test } from 'vitest';
import { close, compute, initialState } from '../../oracle/ledger.js';
import { doc, emptyInputs, order } from '../../oracle/input-builders.js';
import { decimal } from '../../../src/finance/money.js';
import { rowsOf, series } from './oracle-helpers.js';

const config = { homeCurrency: 'USD', firstPeriod: 201901 };
const months2019 = [201901, 201902, 201903, 201904, 201905, 201906, 201907, 201908, 201909, 201910, 201911, 201912];

describe('public worked examples through the oracle', () => {
  test('365.00 over 2019, invoiced in January', () => {
    const inputs = emptyInputs(config);
    inputs.orders.push(order({ item: 'A', date: '2019-01-01', start: '2019-01-01', end: '2019-12-31', price: '365.00' }));
    inputs.invoices.push(doc('INV', 'I1', 'A', '2019-01-15', '365.00'));
    const result = compute(inputs, initialState(config));
    expect(series(result, 'A', 'revenue', months2019)).toEqual([
      '31.00', '28.00', '31.00', '30.00', '31.00', '30.00', '31.00', '31.00', '30.00', '31.00', '30.00', '31.00',
    ]);
    expect(series(result, 'A', 'endingUnearned', [201901, 201902, 201903])).toEqual(['334.00', '306.00', '275.00']);
    expect(series(result, 'A', 'newBilling', [201901, 201902])).toEqual(['365.00', '0.00']);
    expect(series(result, 'A', 'endingUnearned', [201912])).toEqual(['0.00']);
    expect(rowsOf(result, 'A').has(202001)).toBe(false);
    expect(result.lines[0]).toMatchObject({ duration: '12.00', mrr: 3042n, allocated: 36500n });
  });

  test('120.00 over 2024-06-15..2024-10-12: 16 / 31 / 31 / 30 / 12, Duration 3.93', () => {
    const c = { homeCurrency: 'USD', firstPeriod: 202406 };
    const inputs = emptyInputs(c);
    inputs.orders.push(order({ item: 'B', date: '2024-06-01', start: '2024-06-15', end: '2024-10-12', price: '120.00' }));
    const result = compute(inputs, initialState(c));
    expect(series(result, 'B', 'revenue', [202406, 202407, 202408, 202409, 202410])).toEqual(['16.00', '31.00', '31.00', '30.00', '12.00']);
    // Never billed: an unbilled receivable builds up and the adjustment clears it in the end period.
    expect(series(result, 'B', 'endingUnbilled', [202406, 202409, 202410])).toEqual(['16.00', '108.00', '0.00']);
    expect(series(result, 'B', 'adjustment', [202410])).toEqual(['120.00']);
    expect(result.lines[0]?.duration).toBe('3.93');
  });

  test('price 80.00 over SSPs 20 / 30 / 40 → 17.78 / 26.67 / 35.55', () => {
    const inputs = emptyInputs(config);
    for (const [item, ssp, price] of [['L1', '20', '50.00'], ['L2', '30', '30.00'], ['L3', '40', '0.00']] as const) {
      inputs.orders.push(order({ order: 'SO', item, date: '2019-01-01', start: '2019-01-01', end: '2019-01-31', price, ssp }));
    }
    const result = compute(inputs, initialState(config));
    expect(result.lines.map((l) => [l.key, l.allocated, l.carve])).toEqual([
      ['L1', 1778n, 1778n - 5000n],
      ['L2', 2667n, 2667n - 3000n],
      ['L3', 3555n, 3555n],
    ]);
  });

  test('181.00 with CM 90.50 on 2019-02-01, cancelled 2019-05-03', () => {
    const inputs = emptyInputs(config);
    inputs.orders.push(order({ item: 'C', date: '2019-01-01', start: '2019-01-01', end: '2019-06-30', price: '181.00' }));
    inputs.invoices.push(
      doc('INV', 'I1', 'C', '2019-01-01', '181.00'),
      doc('CM', 'CM1', 'C', '2019-02-01', '90.50', { referenceDocument: 'I1' }),
      doc('CMC', 'CMC1', 'C', '2019-05-03', '90.50', { referenceDocument: 'CM1' }),
    );
    // Documents dated after the current period are held, so close month by month as the data comes in.
    let state = initialState(config);
    while (state.currentPeriod < 201907) state = close(inputs, state);
    const result = compute(inputs, state);
    const months = months2019.slice(0, 6);
    expect(result.rows.filter((r) => r.lineKey === 'C').every((r) => r.status === 'closed')).toBe(true);
    expect(series(result, 'C', 'revenue', months)).toEqual(['31.00', '-1.50', '15.50', '15.00', '91.00', '30.00']);
    expect(series(result, 'C', 'ordinary', [201902])).toEqual(['14.00']);
    expect(series(result, 'C', 'contra', [201902])).toEqual(['-15.50']);
    expect(series(result, 'C', 'newBilling', months)).toEqual(['181.00', '-90.50', '0.00', '0.00', '90.50', '0.00']);
    expect(series(result, 'C', 'endingUnearned', months)).toEqual(['150.00', '61.00', '45.50', '30.50', '30.00', '0.00']);
    expect(series(result, 'C', 'newBooking', months)).toEqual(['181.00', '-90.50', '0.00', '0.00', '90.50', '0.00']);
    expect(series(result, 'C', 'endingBacklog', months)).toEqual(['150.00', '61.00', '45.50', '30.50', '30.00', '0.00']);
    expect(result.stage).toEqual([]);
  });

  test('903.23 EUR at rate 1.5: home 1354.85', () => {
    const c = { homeCurrency: 'USD', firstPeriod: 202401 };
    const inputs = emptyInputs(c);
    inputs.fxRates.push({ fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2024-01-01', rate: decimal('1.5') });
    inputs.orders.push(order({ item: 'D', date: '2024-01-01', start: '2024-01-01', end: '2024-01-31', price: '903.23', currency: 'EUR' }));
    const result = compute(inputs, initialState(c));
    expect(series(result, 'D', 'revenue', [202401], 'home')).toEqual(['1354.85']);
    expect(series(result, 'D', 'booking', [202401], 'home')).toEqual(['1354.85']);
    expect(series(result, 'D', 'adjustment', [202401], 'home')).toEqual(['1354.85']);
  });
});
