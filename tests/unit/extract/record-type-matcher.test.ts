import { describe, expect, it } from 'vitest';
import { createRecordTypeMatcher, recordTypeOfSheet } from '../../../src/extract/formats/record-type-matcher.js';

describe('createRecordTypeMatcher', () => {
  it('uses the default globs, case-insensitively, on the base name', () => {
    const match = createRecordTypeMatcher();
    expect(match('orders.csv')).toEqual(['orders']);
    expect(match('ORDERS_2024-01.CSV')).toEqual(['orders']);
    expect(match('inbox/2024/invoices_q1.csv')).toEqual(['invoices']);
    expect(match('fx_rates.csv')).toEqual(['fx_rates']);
    expect(match('my_orders.csv')).toEqual([]);
    expect(match('orders.txt')).toEqual([]);
  });

  it('takes per-source patterns, keeping the defaults of other types', () => {
    const match = createRecordTypeMatcher({ orders: ['Sales Export *.txt', 'SO_*.csv'] });
    expect(match('sales export 2024.TXT')).toEqual(['orders']);
    expect(match('SO_1.csv')).toEqual(['orders']);
    expect(match('orders.csv')).toEqual([]);
    expect(match('invoices.csv')).toEqual(['invoices']);
  });

  it('reports every match so ambiguity can be refused', () => {
    expect(createRecordTypeMatcher({ invoices: '*.csv' })('orders_1.csv')).toEqual(['orders', 'invoices']);
  });
});

describe('recordTypeOfSheet', () => {
  it('maps tab names like headers', () => {
    expect(recordTypeOfSheet('Orders')).toBe('orders');
    expect(recordTypeOfSheet('FX Rates')).toBe('fx_rates');
    expect(recordTypeOfSheet(' general_import ')).toBe('general_import');
    expect(recordTypeOfSheet('Sheet1')).toBeUndefined();
  });
});
