import { afterEach, describe, expect, it } from 'vitest';
import { openEngineFixture } from './engine-harness.js';
import type { EngineFixture } from './engine-harness.js';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const SEED_YAML = `
  seeds:
    - name: products
      description: Product catalogue with stand-alone selling prices
      column_types:
        ssp: DECIMAL(38,6)
        launched: DATE
        units: BIGINT
      columns:
        - name: ssp
          description: Stand-alone selling price
`;

describe('seeds', () => {
  it('load through the CSV reader with declared types: DECIMAL stays exact, never DOUBLE; the rest VARCHAR', async () => {
    fx = await openEngineFixture({
      'seeds/products.csv': 'sku,ssp,launched,units,note\nA-1,12345678901234567890.123456,2024-02-29,9007199254740993,"with, comma"\nB-2, 0.1 ,,0,\n',
      'seeds/products.yml': SEED_YAML,
    });
    const { byName } = await fx.build({ command: 'seed' });
    expect(byName.products).toMatchObject({ status: 'success', rows_affected: 2, message: 'INSERT 2' });
    expect(await fx.rows('select * from seeds.products order by sku')).toEqual([
      { sku: 'A-1', ssp: '12345678901234567890.123456', launched: '2024-02-29', units: '9007199254740993', note: 'with, comma' },
      { sku: 'B-2', ssp: '0.100000', launched: null, units: '0', note: null },
    ]);
    expect(await fx.rows("select column_name, data_type from duckdb_columns() where schema_name = 'seeds' and table_name = 'products' order by column_index")).toEqual([
      { column_name: 'sku', data_type: 'VARCHAR' },
      { column_name: 'ssp', data_type: 'DECIMAL(38,6)' },
      { column_name: 'launched', data_type: 'DATE' },
      { column_name: 'units', data_type: 'BIGINT' },
      { column_name: 'note', data_type: 'VARCHAR' },
    ]);
    expect(await fx.rows("select comment from duckdb_columns() where table_name = 'products' and column_name = 'ssp'")).toEqual([{ comment: 'Stand-alone selling price' }]);
    expect(await fx.rows("select comment from duckdb_tables() where table_name = 'products'")).toEqual([{ comment: 'Product catalogue with stand-alone selling prices' }]);
  });

  it('undeclared numeric-looking columns are not guessed (no DOUBLE)', async () => {
    fx = await openEngineFixture({ 'seeds/rates.csv': 'ccy,rate\nEUR,1.0842\nGBP,0.8571\n' });
    await fx.build({ command: 'seed' });
    expect(await fx.rows("select data_type from duckdb_columns() where table_name = 'rates' and column_name = 'rate'")).toEqual([{ data_type: 'VARCHAR' }]);
  });

  it('a bad value is an error naming the seed file; the previous load stays', async () => {
    fx = await openEngineFixture({ 'seeds/products.csv': 'sku,ssp,launched,units\nA,1.00,2024-01-01,1\n', 'seeds/products.yml': SEED_YAML });
    await fx.build({ command: 'seed' });
    await fx.project.write({ 'seeds/products.csv': 'sku,ssp,launched,units\nA,1.00,2024-01-01,1\nB,one euro,2024-01-01,2\n' });
    const { byName, result } = await fx.build({ command: 'seed' });
    expect(byName.products!.status).toBe('error');
    expect(byName.products!.message).toMatch(/^seeds\/products\.csv seed\.fixture\.products: seed seeds\/products\.csv could not be loaded: .*one euro/);
    expect(result!.results).toHaveLength(1);
    expect(await fx.rows('select sku from seeds.products')).toEqual([{ sku: 'A' }]);
  });

  it('a declared column missing from the header is an error naming the file and column', async () => {
    fx = await openEngineFixture({ 'seeds/products.csv': 'sku,price\nA,1\n', 'seeds/products.yml': SEED_YAML });
    const { byName } = await fx.build({ command: 'seed' });
    expect(byName.products!.message).toContain('seed seeds/products.csv has no column ssp, launched, units declared in column_types');
  });

  it('honours the delimiter and a custom seed schema; models ref seeds', async () => {
    fx = await openEngineFixture(
      {
        'seeds/accounts.csv': 'code;name\n4000;Revenue\n',
        'seeds/accounts.yml': 'seeds:\n  - name: accounts\n    delimiter: ";"\n    column_types: {code: INTEGER}\n',
        'models/m/rev.sql': "select name from {{ref 'accounts'}} where code = 4000",
      },
      { pipelineExtra: 'seeds:\n  schema: reference\n' },
    );
    const { byName } = await fx.build({ command: 'build' });
    expect(byName.accounts!.status).toBe('success');
    expect(await fx.rows('select * from m.rev')).toEqual([{ name: 'Revenue' }]);
    expect(await fx.rows('select code from reference.accounts')).toEqual([{ code: 4000 }]);
  });
});

describe('seed decimals', () => {
  it('a value with more decimals than the declared scale is an error, not silently rounded', async () => {
    fx = await openEngineFixture({
      'seeds/prices.csv': 'sku,price\nA,1.10\nB,2.5000\nC,1.005\n',
      'seeds/prices.yml': 'seeds:\n  - name: prices\n    column_types: {price: "DECIMAL(12, 2)"}\n',
    });
    const { byName } = await fx.build({ command: 'seed' });
    expect(byName.prices!.status).toBe('error');
    expect(byName.prices!.message).toContain('seeds/prices.csv');
    expect(byName.prices!.message).toContain('more decimals than DECIMAL(12, 2) keeps in column price: 1.005');
    await fx.project.write({ 'seeds/prices.csv': 'sku,price\nA,1.10\nB,2.5000\nC,-3\n' });
    expect((await fx.build({ command: 'seed' })).byName.prices!.status).toBe('success');
    expect(await fx.rows('select price from seeds.prices order by sku')).toEqual([{ price: '1.10' }, { price: '2.50' }, { price: '-3.00' }]);
  });
});

describe('malformed seed files', () => {
  it('a CSV the reader cannot parse is an error naming the seed file, with one line of detail', async () => {
    fx = await openEngineFixture({ 'seeds/fx.csv': 'ccy,rate\nEUR,1,extra\n"GBP,2\n' });
    const { byName } = await fx.build({ command: 'seed' });
    expect(byName.fx!.status).toBe('error');
    expect(byName.fx!.message).toMatch(/^seeds\/fx\.csv seed\.fixture\.fx: seed seeds\/fx\.csv could not be loaded: [^\n]+ \(fix the value in the CSV or the type in column_types\)$/);
    expect(byName.fx!.message).not.toContain('\n');
  });
});
