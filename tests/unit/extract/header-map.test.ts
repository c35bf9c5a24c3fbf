import { describe, expect, it } from 'vitest';
import { mapHeader } from '../../../src/extract/formats/header-map.js';
import { LoadFailureError } from '../../../src/extract/formats/load-failure.js';

const ORDERS = [
  'Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency',
  'Service_Start_Date', 'Service_End_Date',
];

function failure(fn: () => unknown): LoadFailureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LoadFailureError) return error;
    throw error;
  }
  return expect.fail('expected a LoadFailureError');
}

describe('mapHeader', () => {
  it('matches case-insensitively with spaces and underscores alike, keeping the header as delivered', () => {
    const headers = ['sales order id', 'SALES_ORDER_ITEM_ID', ' Customer Id ', 'product__id', ...ORDERS.slice(4)];
    const map = mapHeader('orders', headers, { display: 'orders.csv' });
    expect(map.fieldCount).toBe(10);
    expect(map.fields.slice(0, 4)).toEqual([
      { field: 0, header: 'sales order id', canonical: 'Sales_Order_Id' },
      { field: 1, header: 'SALES_ORDER_ITEM_ID', canonical: 'Sales_Order_Item_Id' },
      { field: 2, header: ' Customer Id ', canonical: 'Customer_Id' },
      { field: 3, header: 'product__id', canonical: 'Product_Id' },
    ]);
  });

  it('keeps unknown columns as extras under their normalised name, blank headers by position', () => {
    const map = mapHeader('orders', [...ORDERS, 'Sales Region', '', 'x"; DROP TABLE raw.orders; --'], { display: 'o.csv' });
    expect(map.fields.slice(10)).toEqual([
      { field: 10, header: 'Sales Region', extraKey: 'sales_region' },
      { field: 11, header: '', extraKey: 'column_12' },
      { field: 12, header: 'x"; DROP TABLE raw.orders; --', extraKey: 'x";_drop_table_raw.orders;_--' },
    ]);
  });

  it('offsets fields for XLSX parts (field 0 is the row number) and strips a BOM', () => {
    const map = mapHeader('fx_rates', ['\uFEFFFrom_Currency', 'To Currency', 'rate_date', 'RATE'], { display: 'x', fieldOffset: 1 });
    expect(map.fieldCount).toBe(5);
    expect(map.fields.map((f) => [f.field, f.canonical])).toEqual([[1, 'From_Currency'], [2, 'To_Currency'], [3, 'Rate_Date'], [4, 'Rate']]);
  });

  it('refuses duplicates after normalisation, naming both positions', () => {
    const error = failure(() => mapHeader('orders', [...ORDERS, 'SALES ORDER ID'], { display: 'orders.csv' }));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toContain('columns 1 ("Sales_Order_Id") and 11 ("SALES ORDER ID") both mean "Sales_Order_Id"');
  });

  it('refuses duplicate extra columns too', () => {
    expect(failure(() => mapHeader('orders', [...ORDERS, 'Note', 'note'], { display: 'o.csv' })).code).toBe('DUPLICATE_COLUMN');
  });

  it('names missing required columns and what was found', () => {
    const error = failure(() => mapHeader('orders', ORDERS.filter((c) => c !== 'Currency' && c !== 'Quantity'), { display: 'orders.csv' }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^orders\.csv: the header lacks required orders columns Quantity, Currency\. Found 8 columns: "Sales_Order_Id"/);
  });

  it('suggests the delimiter when the header looks semicolon or tab separated', () => {
    const semicolon = failure(() => mapHeader('orders', [ORDERS.join(';')], { display: 'orders.csv' }));
    expect(semicolon.message).toContain('The header looks semicolon (;) separated: save the file as comma-separated CSV (UTF-8).');
    const tab = failure(() => mapHeader('fx_rates', ['From_Currency\tTo_Currency\tRate_Date\tRate'], { display: 'fx.csv' }));
    expect(tab.message).toContain('looks tab separated');
  });

  it('says so when the first line is empty', () => {
    expect(failure(() => mapHeader('exclusions', [''], { display: 'exclusions.csv' })).message).toContain('(an empty first line)');
  });

  it('accepts optional columns being absent', () => {
    const map = mapHeader('exclusions', ['transaction id'], { display: 'e.csv' });
    expect(map.fields).toEqual([{ field: 0, header: 'transaction id', canonical: 'Transaction_ID' }]);
  });
});
