/**
 * The pure parts of the SQL-vs-oracle harness: CSV deliveries carry exact decimal text, and the comparison reports
 * every disagreement as a readable row (line, period, column, SQL, oracle).
 */
import { describe, expect, test } from 'vitest';
import { decimal } from '../../../src/finance/money.js';
import { compute, initialState } from '../../oracle/ledger.js';
import { doc, emptyInputs, order } from '../../oracle/input-builders.js';
import { inputsAt, randomScenario } from '../../oracle/random-contracts.js';
import { compareLedgers, formatDifferences } from '../../support/oracle-sql/ledger-comparison.js';
import { deliveryFiles } from '../../support/oracle-sql/scenario-files.js';
import type { SqlSnapshot } from '../../support/oracle-sql/sql-snapshot.js';

describe('scenario deliveries', () => {
  test('money is exact decimal text, blanks stay blank, one file per record type', () => {
    const files = deliveryFiles(
      {
        orders: [order({ item: 'A', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '-12.345678', quantity: '1.5', currency: 'BHD' })],
        fxRates: [{ fromCurrency: 'USD', toCurrency: 'JPY', rateDate: '2024-01-01', rate: decimal('0.006944') }],
      },
      't1',
    );
    expect(files.map((f) => f.name)).toEqual(['fx_rates_t1.csv', 'orders_t1.csv']);
    expect(files[1]!.content.split('\n')[1]).toBe('SO-A,A,C1,P1,2024-01-01,1.5,,-12.345678,,BHD,2024-01-01,2024-12-31,');
    expect(files[0]!.content.split('\n')[1]).toBe('USD,JPY,2024-01-01,0.006944');
  });

  test('a corrected re-delivery replaces the earlier version of its key', () => {
    const scenario = randomScenario(7, { orders: 4 });
    const first = scenario.records.orders[0]!;
    scenario.records.orders.push({ arrival: first.arrival + 1, record: { ...first.record, salePrice: decimal('1.00') } });
    const before = inputsAt(scenario, first.arrival).orders.filter((o) => o.salesOrderItemId === first.record.salesOrderItemId);
    const after = inputsAt(scenario, first.arrival + 1).orders.filter((o) => o.salesOrderItemId === first.record.salesOrderItemId);
    expect(before).toEqual([first.record]);
    expect(after.map((o) => o.salePrice)).toEqual([decimal('1.00')]);
  });
});

describe('ledger comparison', () => {
  test('reports a wrong amount, a missing row and a missing stage entry', () => {
    const config = { homeCurrency: 'USD', firstPeriod: 202401 };
    const inputs = emptyInputs(config);
    inputs.orders.push(order({ item: 'A', date: '2024-01-01', start: '2024-01-01', end: '2024-12-31', price: '366.00' }));
    inputs.invoices.push(doc('INV', 'I1', 'A', '2024-01-02', '366.00'), doc('INV', 'I2', 'NOPE', '2024-01-02', '1.00'));
    const oracle = compute(inputs, initialState(config));
    const row = oracle.rows.find((r) => r.lineKey === 'A' && r.period === 202401)!;
    const line = oracle.lines[0]!;
    const sql: SqlSnapshot = {
      currentPeriod: 202401,
      lines: [
        {
          key: 'A',
          fields: {
            kind: 'order', sales_order_id: 'SO-A', reference_invoice_number: '', product_id: 'P1', product_code: '', product_name: '',
            customer_id: 'C1', currency: 'USD', contract_date: '2024-01-01', booking: '36600', allocated: '36600', method: 'ratable_daily',
            service_start: '2024-01-01', service_end: '2024-12-31', duration_hundredths: String(line.durationHundredths), fx_pending: 'false',
            recognition_parts: '2024-01-01..2024-12-31:36600',
          },
        },
      ],
      linePeriods: [
        {
          line: 'order:A',
          period: 202401,
          amounts: { ...Object.fromEntries(Object.entries(row.txn).map(([k]) => [k, 0n])), revenue_txn: row.txn.revenue + 1n },
        },
      ],
      journals: new Map(),
      schedule: [],
      stage: [],
    };
    const differences = compareLedgers(oracle, sql);
    expect(differences).toContainEqual({ what: 'row', line: 'order:A', period: 202401, column: 'revenue_txn', sql: '3101', oracle: '3100' });
    expect(differences).toContainEqual({ what: 'stage', line: 'I2|NOPE', period: null, column: 'stage entry', sql: '—', oracle: 'invoices I2|NOPE UNKNOWN_LINE error' });
    expect(differences.some((d) => d.what === 'schedule' && d.period === 202402)).toBe(true);
    expect(differences.some((d) => d.what === 'journal')).toBe(true);
    const table = formatDifferences(differences, 3);
    expect(table.split('\n')[0]).toMatch(/^what +\| line +\| period +\| column +\| SQL +\| oracle/);
    expect(table).toMatch(/… and \d+ more$/);
  });
});
