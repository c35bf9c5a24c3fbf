import { describe, expect, test } from 'vitest';
import { decimal } from '../../../src/finance/money.js';
import { compute, initialState } from '../../oracle/ledger.js';
import { commission, doc, emptyInputs, order } from '../../oracle/input-builders.js';
import { ledgerProblems } from './ledger-invariants.js';
import { series } from './oracle-helpers.js';

const config = { homeCurrency: 'USD', firstPeriod: 202412 };
const state = initialState(config);
const stageOf = (inputs: Parameters<typeof compute>[0]) => compute(inputs, state).stage.map((s) => `${s.type} ${s.key} ${s.code}`);

describe('allocation inputs', () => {
  test('MISSING_SSP stages the whole order; its documents and commissions are UNKNOWN_LINE', () => {
    const inputs = emptyInputs(config);
    inputs.orders.push(
      order({ order: 'SO', item: 'L1', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '10.00', ssp: '10' }),
      order({ order: 'SO', item: 'L2', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '10.00', product: 'P9' }),
      order({ order: 'SOLO', item: 'L3', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '10.00', product: 'P9' }),
    );
    inputs.invoices.push(doc('INV', 'I1', 'L1', '2024-01-01', '10.00'));
    inputs.commissions.push(commission('K2', 'L2', '2024-01-01', '1.00'), commission('K9', 'NOPE', '2024-01-01', '1.00'));
    expect(stageOf(inputs)).toEqual([
      'orders L1 MISSING_SSP',
      'orders L2 MISSING_SSP',
      'invoices I1|L1 UNKNOWN_LINE',
      'commissions K2 UNKNOWN_LINE',
      'commissions K9 UNKNOWN_LINE',
    ]);
    expect(compute(inputs, state).lines.map((l) => l.key)).toEqual(['L3']); // a one-line order needs no SSP
  });

  test('SSP from the products seed: same product and currency, latest Effective_From on or before the order date', () => {
    const inputs = emptyInputs(config);
    inputs.products.push(
      { productId: 'P1', productCode: 'C1', productName: 'One', ssp: decimal('30'), currency: 'USD', effectiveFrom: '2023-01-01' },
      { productId: 'P1', productCode: 'C1', productName: 'One', ssp: decimal('10'), currency: 'USD', effectiveFrom: '2024-01-01' },
      { productId: 'P1', productCode: 'C1', productName: 'One', ssp: decimal('99'), currency: 'USD', effectiveFrom: '2024-06-01' },
      { productId: 'P1', productCode: 'C1', productName: 'One', ssp: decimal('77'), currency: 'EUR', effectiveFrom: '2024-01-01' },
    );
    inputs.orders.push(
      order({ order: 'SO', item: 'L1', date: '2024-03-01', start: '2024-03-01', end: '2024-03-31', price: '100.00' }),
      order({ order: 'SO', item: 'L2', date: '2024-03-01', start: '2024-03-01', end: '2024-03-31', price: '0.00', ssp: '30', product: 'P9' }),
    );
    const result = compute(inputs, state);
    expect(result.lines.map((l) => [l.key, l.allocated, l.productCode])).toEqual([
      ['L1', 2500n, 'C1'],
      ['L2', 7500n, ''],
    ]);
  });

  test('negative TP allocates |TP| and keeps the sign; decimal quantity and price round once', () => {
    const inputs = emptyInputs(config);
    inputs.orders.push(
      order({ order: 'SO', item: 'L1', date: '2024-01-01', start: '2024-01-01', end: '2024-01-31', price: '-50.00', ssp: '20' }),
      order({ order: 'SO', item: 'L2', date: '2024-01-01', start: '2024-01-01', end: '2024-01-31', price: '-10.005', quantity: '3', ssp: '10' }),
    );
    const lines = compute(inputs, state).lines;
    expect(lines.map((l) => [l.booking, l.allocated])).toEqual([
      // TP = −50.00 − 30.02 (3 × 10.005 = 30.015 → 30.02) = −80.02 over e = 20 : 3 × 10;
      // 80.02 × 20/50 = 32.008, × 30/50 = 48.012: floors 32.00 / 48.01, the unit to the larger remainder (.8).
      [-5000n, -3201n],
      [-3002n, -4801n],
    ]);
  });

  test('point in time recognizes everything in the period of the service start; MRR 0', () => {
    const inputs = emptyInputs({ ...config, firstPeriod: 202401 });
    inputs.products.push({ productId: 'PT', productCode: 'PT', productName: 'Setup', recognitionMethod: 'point_in_time' });
    inputs.orders.push(order({ item: 'P', date: '2024-01-10', start: '2024-03-05', end: '2024-09-04', price: '50.00', product: 'PT' }));
    const result = compute(inputs, initialState({ ...config, firstPeriod: 202401 }));
    expect(series(result, 'P', 'revenue', [202401, 202402, 202403, 202404])).toEqual(['0.00', '0.00', '50.00', '0.00']);
    expect(series(result, 'P', 'endingBacklog', [202401, 202402, 202403])).toEqual(['50.00', '50.00', '0.00']);
    expect(result.lines[0]).toMatchObject({ method: 'point_in_time', mrr: 0n, duration: '6.00' });
  });
});

describe('invoice-as-contract lines', () => {
  test('an INV with no order and both service dates is its own line; a blank-item CM finds it by reference', () => {
    const inputs = emptyInputs({ ...config, firstPeriod: 202403 });
    inputs.invoices.push(
      { invoiceNumber: 'N1', documentType: 'INV', billingDate: '2024-01-05', billingAmount: decimal('91.00'), currency: 'USD', serviceStartDate: '2024-01-01', serviceEndDate: '2024-03-31' },
      { invoiceNumber: 'N1-CM', documentType: 'CM', referenceDocument: 'N1', billingDate: '2024-02-10', billingAmount: decimal('10.00'), currency: 'USD' },
      { invoiceNumber: 'N2', documentType: 'INV', billingDate: '2024-01-05', billingAmount: decimal('5.00'), currency: 'USD' },
      { invoiceNumber: 'N3', documentType: 'CM', billingDate: '2024-01-05', billingAmount: decimal('5.00'), currency: 'USD' },
    );
    const result = compute(inputs, initialState({ ...config, firstPeriod: 202403 }));
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ key: 'N1', kind: 'invoice', salesOrderId: '', referenceInvoiceNumber: 'N1', allocated: 9100n, contractDate: '2024-01-05', method: 'ratable_daily' });
    expect(series(result, 'N1', 'revenue', [202403])).toEqual(['81.00']);
    expect(series(result, 'N1', 'newBilling', [202403])).toEqual(['81.00']);
    expect(result.stage.map((s) => `${s.key} ${s.code}`)).toEqual(['N2| NO_CONTRACT_LINE', 'N3| NO_CONTRACT_LINE']);
  });
});

describe('general import', () => {
  test('an external line is billed in full on its booked date; the recognition end is exclusive', () => {
    const c = { ...config, firstPeriod: 202401 };
    const inputs = emptyInputs(c);
    inputs.generalImport.push(
      { source: 'Checks', transactionId: 'T1', bookedDate: '2024-01-10', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-04-01', amount: decimal('91.00'), currency: 'usd' },
      { source: 'Checks', transactionId: 'T2', splitTransactionId: 'x', bookedDate: '2024-01-10', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-01-02', amount: decimal('1.00'), currency: 'USD' },
      { source: 'Checks', transactionId: 'T3', bookedDate: '2024-01-10', recognitionStartDate: '2024-01-01', amount: decimal('1.00'), currency: 'USD' },
    );
    const result = compute(inputs, initialState(c));
    expect(result.lines.map((l) => [l.key, l.kind, l.salesOrderId, l.serviceEndDate, l.duration])).toEqual([
      ['T1', 'external', 'T1', '2024-03-31', '3.00'],
      ['T2:x', 'external', 'T2', '2024-01-01', '0.03'],
    ]);
    expect(series(result, 'T1', 'newBilling', [202401, 202402])).toEqual(['91.00', '0.00']);
    expect(series(result, 'T1', 'revenue', [202401, 202402, 202403])).toEqual(['31.00', '29.00', '31.00']);
    expect(result.stage.map((s) => `${s.type} ${s.key} ${s.code}`)).toEqual(['general_import Checks|T3| MISSING_FIELD']);
  });

  test('an override replaces the recognition dates only; a split replaces the schedule by parts', () => {
    const c = { ...config, firstPeriod: 202401 };
    const inputs = emptyInputs(c);
    inputs.orders.push(
      order({ item: 'O', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00' }),
      order({ item: 'S', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00' }),
      order({ item: 'B', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00' }),
    );
    inputs.generalImport.push(
      { source: 'Stripe', transactionId: 'O', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01' },
      { source: 'Stripe', transactionId: 'S', splitTransactionId: 'x', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01', amount: decimal('100.00') },
      { source: 'Stripe', transactionId: 'S', splitTransactionId: 'y', recognitionStartDate: '2024-02-01', recognitionEndDate: '2024-04-01', amount: decimal('266.00') },
      { source: 'Stripe', transactionId: 'B', splitTransactionId: 'x', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01', amount: decimal('100.00') },
      { source: 'Stripe', transactionId: 'B', splitTransactionId: 'y', recognitionStartDate: '2024-02-01', recognitionEndDate: '2024-04-01', amount: decimal('266.01') },
    );
    const result = compute(inputs, initialState(c));
    const months = [202401, 202402, 202403, 202404];
    expect(series(result, 'O', 'revenue', months)).toEqual(['366.00', '0.00', '0.00', '0.00']);
    expect(series(result, 'O', 'adjustment', [202401])).toEqual(['366.00']);
    expect(result.lines.find((l) => l.key === 'O')).toMatchObject({ serviceEndDate: '2024-12-31', duration: '12.00' });
    // y: round(266.00 × 29/60) = 128.57 in February, the rest in March.
    expect(series(result, 'S', 'revenue', months)).toEqual(['100.00', '128.57', '137.43', '0.00']);
    expect(series(result, 'B', 'revenue', [202401])).toEqual(['31.00']);
    expect(result.stage.map((s) => `${s.key} ${s.code}`)).toEqual(['Stripe|B|x BAD_OVERRIDE', 'Stripe|B|y BAD_OVERRIDE']);
    expect(ledgerProblems(result)).toEqual([]);
  });

  test('a credit memo on a split line is spread over its parts', () => {
    const c = { ...config, firstPeriod: 202401 };
    const inputs = emptyInputs(c);
    inputs.orders.push(order({ item: 'S', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '300.00' }));
    inputs.generalImport.push(
      { source: 'Stripe', transactionId: 'S', splitTransactionId: 'a', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01', amount: decimal('100.00') },
      { source: 'Stripe', transactionId: 'S', splitTransactionId: 'b', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01', amount: decimal('200.00') },
    );
    inputs.invoices.push(doc('INV', 'I', 'S', '2024-01-01', '300.00'), doc('CM', 'C', 'S', '2024-01-01', '0.01', { referenceDocument: 'I' }));
    const result = compute(inputs, initialState(c));
    // 299.99 over 100:200 → 99.99 / 200.00 by largest remainder (remainders .33 and .66, the unit goes to b).
    expect(series(result, 'S', 'revenue', [202401])).toEqual(['299.99']);
    expect(result.stage).toEqual([]);
  });

  test('excluded by order id, item id, reference invoice or transaction id', () => {
    const inputs = emptyInputs(config);
    inputs.orders.push(
      order({ order: 'X1', item: 'a', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '1.00' }),
      order({ order: 'K', item: 'b', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '1.00', referenceInvoice: 'RI' }),
      order({ order: 'K', item: 'c', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '1.00', ssp: '1' }),
    );
    inputs.generalImport.push({ source: 'Checks', transactionId: 'T', bookedDate: '2024-01-01', recognitionStartDate: '2024-01-01', recognitionEndDate: '2024-02-01', amount: decimal('1'), currency: 'USD' });
    inputs.exclusions.push({ transactionId: 'X1' }, { transactionId: 'RI' }, { transactionId: 'T' });
    inputs.commissions.push(commission('K1', 'b', '2024-01-01', '1.00'));
    // b (no SSP) is excluded before allocation, so order K is a one-line order and needs none.
    expect(stageOf(inputs)).toEqual(['orders a EXCLUDED', 'orders b EXCLUDED', 'general_import Checks|T| EXCLUDED', 'commissions K1 EXCLUDED']);
    expect(compute(inputs, state).lines.map((l) => l.key)).toEqual(['c']);
  });
});
