/**
 * The lines outside any order (external general-import lines, invoice-as-contract lines) and the rows naming no
 * order item are recomputed by a daily build only when today's files touch their keys (int_side_scope). Each case
 * below lands one file that reaches such a line only through a key, never through an order of its own, and the
 * incremental build must equal a full rebuild (TwinLedgers): a CMC reaching its invoice-as-contract INV through its
 * CM, a corrected INV reaching the CMC of its CM, an order item arriving with the id of a document in error, of an
 * external line and of an invoice-as-contract key, a corrected rate moving an external line's contract rate, a
 * commission on a split external line and an order item that turns that line into a split part, a general-import
 * file (a new and a corrected external line, an override of an order item, a row taking an invoice-as-contract key),
 * an exclusion file (an external line, an order, an invoice-as-contract INV by number), and a close opening a period that held an external line and
 * an invoice-as-contract INV. The random scenarios of incremental-equivalence.test.ts reach these cases rarely.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { decimal } from '../../../src/finance/money.js';
import { commission, doc, order } from '../../oracle/input-builders.js';
import type { FxRateRecord, GeneralImportRecord, InvoiceRecord } from '../../oracle/oracle-types.js';
import { deliveryFiles } from '../../support/oracle-sql/scenario-files.js';
import type { Delivery } from '../../support/oracle-sql/scenario-files.js';
import { TwinLedgers } from '../../support/oracle-sql/twin-ledgers.js';

/** EUR → USD every day from 2023-12-20 to 2024-03-10 (1.10), so every EUR date has a rate. */
function dailyRates(): FxRateRecord[] {
  const rates: FxRateRecord[] = [];
  for (let d = Date.UTC(2023, 11, 20); d <= Date.UTC(2024, 2, 10); d += 86_400_000) {
    rates.push({ fromCurrency: 'EUR', toCurrency: 'USD', rateDate: new Date(d).toISOString().slice(0, 10), rate: decimal('1.10') });
  }
  return rates;
}

const external = (id: string, booked: string, amount: string, currency: string, split?: string): GeneralImportRecord => ({
  source: 'Checks',
  transactionId: id,
  splitTransactionId: split,
  bookedDate: booked,
  recognitionStartDate: booked,
  recognitionEndDate: '2024-12-31',
  amount: decimal(amount),
  currency,
});

/** An invoice-as-contract INV (no Sales_Order_Id, a service period), with or without its own item id. */
const iac = (number: string, billed: string, amount: string, currency: string, item?: string): InvoiceRecord => ({
  invoiceNumber: number,
  documentType: 'INV',
  salesOrderItemId: item,
  billingDate: billed,
  billingAmount: decimal(amount),
  currency,
  serviceStartDate: billed,
  serviceEndDate: '2024-12-31',
});

const byReference = (type: 'IVC' | 'CM' | 'CMC', number: string, reference: string, billed: string, amount: string, currency: string): InvoiceRecord => ({
  invoiceNumber: number,
  documentType: type,
  referenceDocument: reference,
  billingDate: billed,
  billingAmount: decimal(amount),
  currency,
});

const products = ['USD', 'EUR'].map((currency) => ({
  productId: 'P1',
  productCode: 'CODE-P1',
  productName: 'Product P1',
  recognitionMethod: 'ratable_daily' as const,
  ssp: decimal('100.00'),
  currency,
  effectiveFrom: '2023-01-01',
}));

describe('the lines outside any order in a daily build', () => {
  let twins: TwinLedgers | undefined;
  afterAll(async () => {
    await twins?.close();
  });

  test('each file that touches them only by key rebuilds them as a full rebuild does', async () => {
    twins = await TwinLedgers.open('side', { home_currency: 'USD', first_period: 202401, max_rate_age_days: 3, commission_expedient: false });
    const t = twins;
    const deliver = async (what: string, delivery: Delivery) => {
      await t.land(deliveryFiles({ ...delivery }, what));
      await t.buildBoth(what);
    };
    // Setup.
    await deliver('catalogue', { products });
    await deliver('rates', { fxRates: dailyRates() });
    await deliver('orders', {
      orders: [
        order({ item: 'A1', date: '2024-01-03', start: '2024-01-03', end: '2024-12-31', price: '1200.00' }),
        order({ item: 'A2', date: '2024-01-04', start: '2024-01-04', end: '2024-06-30', price: '600.00', currency: 'EUR' }),
      ],
    });
    await deliver('general', {
      generalImport: [
        external('EXT1', '2024-01-10', '500.00', 'EUR'),
        external('EXT2', '2024-01-11', '300.00', 'USD', 'x'),
        external('EXT2', '2024-01-11', '200.00', 'USD', 'y'),
        external('EXT3', '2024-01-12', '400.00', 'EUR'),
        // booked in February: held until the close opens it
        external('EXT4', '2024-02-03', '250.00', 'EUR'),
        external('EXT6', '2024-01-13', '80.00', 'USD', 'p'),
      ],
    });
    const slicesBefore = t.counts.slice;
    await deliver('invoices', {
      invoices: [
        iac('IAC1', '2024-01-05', '900.00', 'EUR'),
        byReference('CM', 'IAC1-CM', 'IAC1', '2024-01-20', '300.00', 'EUR'),
        iac('IAC2', '2024-01-06', '700.00', 'USD', 'IACI2'),
        // names an order item nobody has yet: in error until it arrives
        doc('INV', 'INVZ', 'Z1', '2024-01-07', '100.00'),
        // billed in February: held until the close opens it
        iac('IAC3', '2024-02-02', '800.00', 'USD'),
        // an invoice-as-contract line with its own item id, and a CM naming that item with a Sales_Order_Id: more than
        // was billed, in error until the INV is corrected
        iac('IAC4', '2024-01-08', '100.00', 'USD', 'IACI4'),
        { ...doc('CM', 'CM4', 'IACI4', '2024-01-18', '150.00'), salesOrderId: 'SOX' },
      ],
    });
    await deliver('commissions', {
      commissions: [
        commission('K-EXT1', 'EXT1', '2024-01-10', '50.00', { currency: 'EUR' }),
        commission('K-IAC1', 'IAC1', '2024-01-05', '90.00', { currency: 'EUR', salesOrderId: '-' }),
        commission('K-IACI2', 'IACI2', '2024-01-06', '70.00', { salesOrderId: '-' }),
        commission('K-EXT6p', 'EXT6:p', '2024-01-13', '8.00', { salesOrderId: 'EXT6' }),
      ],
    });
    // Each file below reaches a line outside any order only through a key.
    await deliver('cmc', { invoices: [byReference('CMC', 'IAC1-CMC', 'IAC1-CM', '2024-01-25', '300.00', 'EUR')] });
    await deliver('inv-corrected', { invoices: [iac('IAC1', '2024-01-05', '950.00', 'EUR')] });
    // the corrected INV bills enough: the CM (exported with its Sales_Order_Id SOX) enters the books
    await deliver('inv4-corrected', { invoices: [iac('IAC4', '2024-01-08', '200.00', 'USD', 'IACI4')] });
    await deliver('ivc', { invoices: [byReference('IVC', 'IAC1-IVC', 'IAC1', '2024-01-26', '950.00', 'EUR')] });
    // the side slice is narrow: the day's commission touches one external line of the five lines outside any order
    await deliver('commission-split', { commissions: [commission('K-EXT2x', 'EXT2:x', '2024-01-11', '30.00', { salesOrderId: 'EXT2' })] });
    const [narrow] = await t.incremental.rows<{ side: string; all: string }>(
      `SELECT (SELECT count(*) FROM intermediate.int_side_scope WHERE line_key LIKE 'G|%' OR line_key LIKE 'I|%') AS side,
              (SELECT count(*) FROM intermediate.int_contract_lines WHERE line_kind <> 'order') AS all`,
    );
    expect(Number(narrow!.side)).toBeLessThan(Number(narrow!.all));
    await deliver('order-z1', { orders: [order({ order: 'SOZ', item: 'Z1', date: '2024-01-02', start: '2024-01-02', end: '2024-12-31', price: '100.00' })] });
    await deliver('order-ext1', { orders: [order({ order: 'SOE', item: 'EXT1', date: '2024-01-02', start: '2024-01-02', end: '2024-12-31', price: '100.00', currency: 'EUR' })] });
    // the split external line EXT6:p turns into a split part of the new item EXT6: its commission loses its line
    await deliver('order-ext6', { orders: [order({ order: 'SO6', item: 'EXT6', date: '2024-01-02', start: '2024-01-02', end: '2024-12-31', price: '100.00' })] });
    await deliver('order-iaci2', { orders: [order({ order: 'SOI', item: 'IACI2', date: '2024-01-02', start: '2024-01-02', end: '2024-12-31', price: '100.00' })] });
    await deliver('rate-corrected', { fxRates: [{ fromCurrency: 'EUR', toCurrency: 'USD', rateDate: '2024-01-12', rate: decimal('1.25') }] });
    // a general-import file: a new external line, a corrected one, an override of an order item, and a row that
    // takes an invoice-as-contract line's key
    await deliver('general-day', {
      generalImport: [
        external('EXT5', '2024-01-15', '120.00', 'USD'),
        external('EXT3', '2024-01-12', '410.00', 'EUR'),
        { source: 'Stripe', transactionId: 'A1', recognitionStartDate: '2024-02-01', recognitionEndDate: '2024-11-30' },
        external('IAC1', '2024-01-16', '10.00', 'USD'),
      ],
    });
    // an exclusion file: an external line, an order (with its documents), an invoice-as-contract INV by its number
    await deliver('exclusions', { exclusions: [{ transactionId: 'EXT5' }, { transactionId: 'SOZ' }, { transactionId: 'IAC2' }] });
    // every file since the setup was built as a slice, not as a full rebuild
    expect(t.counts.slice - slicesBefore).toBe(14);
    await t.freeze();
    await t.buildBoth('closed 202401');
    await deliver('cm-after-close', { invoices: [byReference('CM', 'IAC3-CM', 'IAC3', '2024-02-10', '100.00', 'USD')] });
  }, 300_000);
});
