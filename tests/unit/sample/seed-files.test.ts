import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RECORD_TYPES } from '../../../src/extract/record-types.js';
import { MINOR_UNITS, NO_SSP_PRODUCT, PRODUCTS, SAMPLE_CURRENCIES } from '../../../src/sample/product-catalogue.js';
import { renderProductsSeed } from '../../../src/sample/product-seed.js';
import { readCsv } from './sample-test-helpers.js';

const SEEDS = join(import.meta.dirname, '../../../seeds');

describe('seeds/currencies.csv', () => {
  const { header, rows } = readCsv(join(SEEDS, 'currencies.csv'));
  const units = new Map(rows.map((r) => [r[0] as string, r[1] as string]));

  it('has the canonical columns, unique sorted codes and integer minor units', () => {
    expect(header).toEqual(RECORD_TYPES.currencies.columns);
    const codes = rows.map((r) => r[0] as string);
    expect(codes).toEqual([...new Set(codes)].sort());
    for (const [code, unit] of units) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect(unit).toMatch(/^[0-4]$/);
    }
    expect(codes.length).toBeGreaterThanOrEqual(150);
  });

  it('carries the minor units accounting.md relies on', () => {
    const expected: Record<string, string> = {
      USD: '2',
      EUR: '2',
      GBP: '2',
      JPY: '0',
      KRW: '0',
      BHD: '3',
      KWD: '3',
      JOD: '3',
      TND: '3',
      OMR: '3',
      IQD: '3',
      LYD: '3',
      CLF: '4',
      UYW: '4',
      CLP: '0',
      ISK: '0',
      VND: '0',
      XOF: '0',
      CHF: '2',
      INR: '2',
    };
    for (const [code, unit] of Object.entries(expected)) expect(units.get(code), code).toBe(unit);
    for (const c of SAMPLE_CURRENCIES) expect(units.get(c)).toBe(String(MINOR_UNITS[c]));
  });

  it('leaves out the N.A. entries (metals, bond units, test and no-currency codes)', () => {
    for (const code of ['XAU', 'XAG', 'XPT', 'XPD', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']) {
      expect(units.has(code), code).toBe(false);
    }
  });
});

describe('seeds/gl_accounts.csv', () => {
  it('maps exactly the seven journal account types to numeric ids', () => {
    const { header, rows } = readCsv(join(SEEDS, 'gl_accounts.csv'));
    expect(header).toEqual(RECORD_TYPES.gl_accounts.columns);
    expect(rows.map((r) => r[0]).sort()).toEqual([
      'Contra Revenue',
      'Deferred Expense',
      'Deferred Revenue',
      'Expense Clearing',
      'Expense Recognized',
      'Revenue',
      'Unbilled Receivable',
    ]);
    for (const r of rows) expect(r[1]).toMatch(/^\d{4}$/);
    expect(new Set(rows.map((r) => r[1])).size).toBe(7);
  });
});

describe('seeds/products.csv', () => {
  it('is exactly the sample catalogue', () => {
    expect(readFileSync(join(SEEDS, 'products.csv'), 'utf8')).toBe(renderProductsSeed());
  });

  it('has ~15 products, both methods, four currencies, price changes, and one missing SSP', () => {
    const { header, rows } = readCsv(join(SEEDS, 'products.csv'));
    expect(header).toEqual(RECORD_TYPES.products.columns);
    expect(PRODUCTS.length).toBe(15);
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['ratable_daily', 'point_in_time']));
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set(['USD', 'EUR', 'GBP', 'JPY']));
    const changes = rows.filter((r) => r[6] !== '2020-01-01');
    expect(new Set(changes.map((r) => r[0])).size).toBeGreaterThanOrEqual(3);
    expect(rows.some((r) => r[0] === NO_SSP_PRODUCT.productId && r[5] === NO_SSP_PRODUCT.currency)).toBe(false);
    for (const r of rows) expect(r[4]).toMatch(r[5] === 'JPY' ? /^\d+$/ : /^\d+\.\d{2}$/);
    // keys are unique
    expect(new Set(rows.map((r) => `${r[0]}|${r[5]}|${r[6]}`)).size).toBe(rows.length);
  });
});

describe('seed YAML', () => {
  for (const name of ['products', 'currencies', 'gl_accounts'] as const) {
    it(`${name}.yml types and documents every column of ${name}.csv`, () => {
      const doc = parse(readFileSync(join(SEEDS, `${name}.yml`), 'utf8')) as {
        seeds: {
          name: string;
          description: string;
          column_types: Record<string, string>;
          columns: { name: string; description: string }[];
        }[];
      };
      const seed = doc.seeds.find((s) => s.name === name);
      expect(seed).toBeDefined();
      const columns = RECORD_TYPES[name].columns;
      expect(Object.keys(seed?.column_types ?? {})).toEqual(columns);
      expect(seed?.columns.map((c) => c.name)).toEqual(columns);
      for (const c of seed?.columns ?? []) expect(c.description.length).toBeGreaterThan(5);
      expect(seed?.description.length).toBeGreaterThan(20);
    });
  }
});
