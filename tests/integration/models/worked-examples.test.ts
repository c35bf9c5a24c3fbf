/**
 * The public worked examples of accounting.md through the real landing, models and period close, from small
 * hand-written CSV files: ratable 365.00, the 120.00 schedule, allocation 80.00 over SSPs 20/30/40, the 181.00
 * credit memo and its cancellation (with contra), and 903.23 EUR at 1.5.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { csvFile, openModelFixture } from '../../support/oracle-sql/model-fixture.js';
import type { ModelFixture } from '../../support/oracle-sql/model-fixture.js';

const ORDER_HEADER = 'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date';
const INVOICE_HEADER = 'Invoice_Number,Document_Type,Reference_Document,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency';
const months2019 = [201901, 201902, 201903, 201904, 201905, 201906, 201907, 201908, 201909, 201910, 201911, 201912];

let fixture: ModelFixture | undefined;
afterEach(async () => {
  await fixture?.dispose();
  fixture = undefined;
});

/** Loads one orders file (rows under ORDER_HEADER) into a fresh fixture, builds, and reads int_allocation by item. */
async function allocationOf(fileName: string, rows: string): Promise<{ item: string; booking: string; allocated: string }[]> {
  fixture = await openModelFixture({ first_period: 201901 });
  expect(await fixture.loadAndBuild(csvFile(fileName, `${ORDER_HEADER}\n${rows}`))).toEqual([]);
  return fixture.ledger.rows(
    `SELECT sales_order_item_id AS item, booking_minor AS booking, allocated_minor AS allocated FROM intermediate.int_allocation ORDER BY 1`,
  );
}

describe('public worked examples through the SQL models', () => {
  test('365.00 over 2019, invoiced in January: 31.00 / 28.00 / … and the balance runs down', async () => {
    fixture = await openModelFixture({ first_period: 201901 });
    const failures = await fixture.loadAndBuild(
      csvFile('orders_a.csv', `${ORDER_HEADER}\nSO-A,A,C1,P-X,2019-01-01,1,,365.00,,USD,2019-01-01,2019-12-31`),
      csvFile('invoices_a.csv', `${INVOICE_HEADER}\nI1,INV,,SO-A,A,2019-01-15,365.00,USD`),
    );
    expect(failures).toEqual([]);
    expect(await fixture.series('A', 'revenue_txn', months2019)).toEqual([
      '31.00', '28.00', '31.00', '30.00', '31.00', '30.00', '31.00', '31.00', '30.00', '31.00', '30.00', '31.00',
    ]);
    expect(await fixture.series('A', 'new_billing_txn', [201901])).toEqual(['365.00']);
    expect(await fixture.series('A', 'end_unearned_txn', [201901])).toEqual(['334.00']);
    // Close January and February: the balance runs down from the frozen endings.
    expect(await fixture.close()).toEqual([]);
    expect(await fixture.close()).toEqual([]);
    await fixture.ledger.build();
    expect(await fixture.series('A', 'end_unearned_txn', [201901, 201902, 201903])).toEqual(['334.00', '306.00', '275.00']);
    expect(await fixture.series('A', 'beg_unearned_txn', [201903])).toEqual(['306.00']);
    const [line] = await fixture.ledger.rows<{ duration_hundredths: string; allocated_minor: string }>(
      `SELECT duration_hundredths, allocated_minor FROM intermediate.int_contract_lines WHERE sales_order_item_id = 'A'`,
    );
    expect(line).toEqual({ duration_hundredths: '1200', allocated_minor: '36500' });
  });

  test('120.00 over 2024-06-15..2024-10-12: 16.00 / 31.00 / 31.00 / 30.00 / 12.00, Duration 3.93', async () => {
    fixture = await openModelFixture({ first_period: 202406 });
    expect(await fixture.loadAndBuild(csvFile('orders_b.csv', `${ORDER_HEADER}\nSO-B,B,C1,P-X,2024-06-01,1,,120.00,,USD,2024-06-15,2024-10-12`))).toEqual([]);
    expect(await fixture.series('B', 'revenue_txn', [202406, 202407, 202408, 202409, 202410, 202411])).toEqual(['16.00', '31.00', '31.00', '30.00', '12.00', '0.00']);
    expect(await fixture.series('B', 'end_unbilled_txn', [202406])).toEqual(['16.00']);
    const [line] = await fixture.ledger.rows<{ duration_hundredths: string }>(`SELECT duration_hundredths FROM intermediate.int_contract_lines WHERE sales_order_item_id = 'B'`);
    expect(line?.duration_hundredths).toBe('393');
  });

  test('allocation: 80.00 over SSPs 20 / 30 / 40 → 17.78 / 26.67 / 35.55', async () => {
    const rows = await allocationOf(
      'orders_c.csv',
      `SO,L1,C1,P-X,2019-01-01,1,,50.00,20,USD,2019-01-01,2019-01-31
       SO,L2,C1,P-X,2019-01-01,1,,30.00,30,USD,2019-01-01,2019-01-31
       SO,L3,C1,P-X,2019-01-01,1,,0.00,40,USD,2019-01-01,2019-01-31`,
    );
    expect(rows).toEqual([
      { item: 'L1', booking: '5000', allocated: '1778' },
      { item: 'L2', booking: '3000', allocated: '2667' },
      { item: 'L3', booking: '0', allocated: '3555' },
    ]);
    expect(await fixture!.series('L3', 'revenue_txn', [201901])).toEqual(['35.55']);
  });

  test('allocation with remainders above 2^64: the leftover cents go by the whole remainder, not its low half', async () => {
    // TP 10,000.10 over SSPs near 10^9: sum(e) is 2.7 x 10^21 at scale 10^12, each remainder above 2^64. The two
    // leftover cents go to L2 and L1 (largest remainders); ranked by the low 64 bits alone they would go to L4 and L2.
    // Expected values computed with exact integers outside the models (Python: floor(TP x e_i / sum e), remainders).
    const rows = await allocationOf(
      'orders_big.csv',
      `SO,L1,C1,P-X,2019-01-01,1,,1000.01,999999999.999999,USD,2019-01-01,2019-01-31
       SO,L2,C1,P-X,2019-01-01,1,,2000.02,123456789.123457,USD,2019-01-01,2019-01-31
       SO,L3,C1,P-X,2019-01-01,1,,3000.03,555555555.5,USD,2019-01-01,2019-01-31
       SO,L4,C1,P-X,2019-01-01,1,,4000.04,987654321.987654,USD,2019-01-01,2019-01-31`,
    );
    expect(rows.map(({ item, allocated }) => ({ item, allocated }))).toEqual([
      { item: 'L1', allocated: '375004' },
      { item: 'L2', allocated: '46297' },
      { item: 'L3', allocated: '208335' },
      { item: 'L4', allocated: '370374' },
    ]);
  });

  test('181.00 with CM 90.50 on 2019-02-01 cancelled on 2019-05-03: contra -15.50, then catch-up', async () => {
    fixture = await openModelFixture({ first_period: 201901 });
    const failures = await fixture.loadAndBuild(
      csvFile('orders_d.csv', `${ORDER_HEADER}\nSO-C,C,C1,P-X,2019-01-01,1,,181.00,,USD,2019-01-01,2019-06-30`),
      csvFile(
        'invoices_d.csv',
        `${INVOICE_HEADER}
         I1,INV,,SO-C,C,2019-01-01,181.00,USD
         CM1,CM,I1,SO-C,C,2019-02-01,90.50,USD
         CMC1,CMC,CM1,SO-C,C,2019-05-03,90.50,USD`,
      ),
    );
    expect(failures).toEqual([]);
    // The credit memo and its cancellation are dated after January: they wait until their periods open.
    const held = await fixture.ledger.rows<{ key: string; code: string }>(`SELECT key, code FROM stage.stage_records ORDER BY key`);
    expect(held).toEqual([
      { key: 'CM1|C', code: 'FUTURE_PERIOD' },
      { key: 'CMC1|C', code: 'FUTURE_PERIOD' },
    ]);
    for (let month = 0; month < 6; month++) expect(await fixture.close()).toEqual([]);
    expect(await fixture.ledger.build()).toEqual([]);
    const months = months2019.slice(0, 6);
    expect(await fixture.series('C', 'revenue_txn', months)).toEqual(['31.00', '-1.50', '15.50', '15.00', '91.00', '30.00']);
    expect(await fixture.series('C', 'revenue_contra_txn', months)).toEqual(['0.00', '-15.50', '0.00', '0.00', '60.00', '0.00']);
    expect(await fixture.series('C', 'revenue_ordinary_txn', [201902])).toEqual(['14.00']);
    expect(await fixture.series('C', 'new_billing_txn', months)).toEqual(['181.00', '-90.50', '0.00', '0.00', '90.50', '0.00']);
    expect(await fixture.series('C', 'end_unearned_txn', months)).toEqual(['150.00', '61.00', '45.50', '30.50', '30.00', '0.00']);
    expect(await fixture.series('C', 'new_booking_txn', months)).toEqual(['181.00', '-90.50', '0.00', '0.00', '90.50', '0.00']);
    expect(await fixture.series('C', 'end_backlog_txn', months)).toEqual(['150.00', '61.00', '45.50', '30.50', '30.00', '0.00']);
    // The contra reduction is journaled to Contra Revenue in February.
    const journal = await fixture.ledger.rows<{ account_type: string; debit_minor: string; credit_minor: string }>(
      `SELECT account_type, debit_minor, credit_minor FROM marts.fct_journal_lines WHERE sales_order_item_id = 'C' AND actg_period = 201902 ORDER BY account_type`,
    );
    expect(journal).toContainEqual({ account_type: 'Contra Revenue', debit_minor: '1550', credit_minor: '0' });
    expect(await fixture.ledger.rows('SELECT * FROM stage.stage_records')).toEqual([]);
  });

  test('903.23 EUR at 1.5: 1354.85 USD', async () => {
    fixture = await openModelFixture({ first_period: 202401 });
    const failures = await fixture.loadAndBuild(
      csvFile('fx_rates_e.csv', 'From_Currency,To_Currency,Rate_Date,Rate\nEUR,USD,2024-01-01,1.5'),
      csvFile('orders_e.csv', `${ORDER_HEADER}\nSO-D,D,C1,P-X,2024-01-01,1,,903.23,,EUR,2024-01-01,2024-01-31`),
    );
    expect(failures).toEqual([]);
    expect(await fixture.series('D', 'revenue_txn', [202401])).toEqual(['903.23']);
    expect(await fixture.series('D', 'revenue_home', [202401])).toEqual(['1354.85']);
    expect(await fixture.series('D', 'booking_home', [202401])).toEqual(['1354.85']);
    expect(await fixture.series('D', 'adjustment_home', [202401])).toEqual(['1354.85']);
  });
});
