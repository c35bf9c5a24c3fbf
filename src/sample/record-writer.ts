import { formatDay } from './civil-date.js';
import type { FxOutcome } from './fx-rates-writer.js';
import { formatScaled } from './money-text.js';
import { columnAt, columnIndex, type OutputFiles, type RowLocation } from './output-files.js';
import { MINOR_UNITS, type SampleCurrency } from './product-catalogue.js';
import type { BillingDocument, CommissionRecord, GeneralImportRow, RowDefect, SalesOrder } from './sample-model.js';
import type { SummaryCollector } from './summary-collector.js';

const EXCLUDED: RowDefect = { code: 'EXCLUDED', note: 'listed in the exclusion import' };

const O = columnIndex('orders');
const I = columnIndex('invoices');
const C = columnIndex('commissions');
const G = columnIndex('general_import');
const ORDER_WIDTH = Object.keys(O).length;
const INVOICE_WIDTH = Object.keys(I).length;
const CUSTOM_AT = ['02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => columnAt(I, `BS_CustomField${n}`));

/**
 * Turns model records into CSV rows (money printed from minor units at the currency's decimals) and tells the
 * summary which rows must land in the stage area: the row's own defect first, then exclusion, then FX-pending.
 * Rows are arrays in canonical column order: this is the hot path of million-line runs. Order, invoice and
 * commission rows without a defect hold only ids, dates, amounts, codes and fixed vocabularies (custom fields, see
 * `customFields`), never a comma or quote, so they take the CSV writer's no-quoting fast path.
 */
export class RecordWriter {
  constructor(
    private readonly out: OutputFiles,
    private readonly collector: SummaryCollector,
    private readonly fx: FxOutcome,
  ) {}

  /** Writes every line of an order; a line with a `correction` is re-delivered, corrected, in a later file. */
  order(order: SalesOrder): void {
    const orderDate = formatDay(order.orderDay);
    for (const line of order.lines) {
      const row = new Array<string>(ORDER_WIDTH);
      row[O.Sales_Order_Id as number] = order.id;
      row[O.Sales_Order_Item_Id as number] = line.itemId;
      row[O.Customer_Id as number] = order.customerId;
      row[O.Product_Id as number] = line.product.id;
      row[O.Order_Date as number] = orderDate;
      row[O.Quantity as number] = line.quantity.toString();
      row[O.List_Price as number] = line.showListPrice ? money(line.listPrice, order.currency) : '';
      row[O.Sale_Price as number] = money(line.salePrice, order.currency);
      row[O.SSP as number] = line.lineSsp === undefined ? '' : money(line.lineSsp, order.currency);
      row[O.Currency as number] = order.currency;
      row[O.Service_Start_Date as number] = formatDay(line.start);
      row[O.Service_End_Date as number] = formatDay(line.end);
      row[O.Reference_Invoice_Number as number] = order.referenceInvoice ?? '';
      const good = line.correction === undefined ? undefined : [...row];
      const column = line.defect?.column;
      if (column !== undefined) row[columnAt(O, column)] = line.defect?.value ?? '';
      // Ids, dates, amounts and codes never need quoting; a defect's raw text might ('12,50'), so it is checked.
      const at = this.out.write('orders', order.routeDay, row, column === undefined);
      this.collector.countCurrency('orders', row[O.Currency as number]);
      const defect =
        line.defect ??
        order.wholeOrder ??
        (order.excluded ? EXCLUDED : undefined) ??
        this.pending(order.currency, order.orderDay, 'order date');
      if (defect === undefined) continue;
      const expected = this.collector.expect(at, 'orders', line.itemId, defect);
      if (good !== undefined && column !== undefined) {
        good[columnAt(O, column)] = line.correction as string;
        const fixed = this.out.writeRedelivery('orders', good);
        this.collector.countCurrency('orders', order.currency);
        if (expected) expected.correctedBy = { file: fixed.file, row: fixed.row };
      }
    }
  }

  /** Writes billing documents in the order given (monthly files by billing date, unless `routeDay` is given). */
  documents(docs: readonly BillingDocument[], routeDay?: number): void {
    for (const doc of docs) {
      const row = new Array<string>(INVOICE_WIDTH);
      row[I.Invoice_Number as number] = doc.number;
      row[I.Document_Type as number] = doc.type;
      row[I.Reference_Document as number] = doc.reference;
      row[I.Sales_Order_Id as number] = doc.orderId;
      row[I.Sales_Order_Item_Id as number] = doc.itemId;
      row[I.Billing_Date as number] = formatDay(doc.day);
      row[I.Billing_Amount as number] = money(doc.amount, doc.currency);
      row[I.Currency as number] = doc.currency;
      row[I.Service_Start_Date as number] = doc.serviceStart === undefined ? '' : formatDay(doc.serviceStart);
      row[I.Service_End_Date as number] = doc.serviceEnd === undefined ? '' : formatDay(doc.serviceEnd);
      for (let i = 0; i < CUSTOM_AT.length; i++) row[CUSTOM_AT[i] as number] = doc.custom[i] ?? '';
      if (doc.defect?.column !== undefined) row[columnAt(I, doc.defect.column)] = doc.defect.value ?? '';
      const at = this.out.write('invoices', routeDay ?? doc.day, row, doc.defect === undefined);
      this.collector.countCurrency('invoices', row[I.Currency as number]);
      const defect =
        doc.defect ??
        (doc.excluded ? EXCLUDED : undefined) ??
        (doc.type === 'INV' || doc.type === 'CM' ? this.pending(doc.currency, doc.day, 'billing date') : undefined);
      if (defect === undefined) continue;
      this.collector.expect(at, 'invoices', `${doc.number}|${doc.itemId}`, defect);
      // An invoice-as-contract INV is also a contract line booked on its billing date: its missing contract rate
      // is listed once more, keyed by the line's item id (the invoice number when the item id is blank).
      const contractLine = doc.type === 'INV' && doc.orderId === '' && doc.serviceStart !== undefined;
      if (defect.code === 'FX_PENDING' && contractLine) {
        this.collector.expect(at, 'invoices', doc.itemId || doc.number, {
          ...defect,
          note: `${defect.note}; as a contract line (invoice-as-contract)`,
        });
      }
    }
  }

  commissions(records: readonly CommissionRecord[]): void {
    for (const c of records) {
      const row = new Array<string>(7);
      row[C.Commission_Id as number] = c.id;
      row[C.Sales_Order_Id as number] = c.orderId;
      row[C.Sales_Order_Item_Id as number] = c.itemId;
      row[C.Commission_Date as number] = formatDay(c.day);
      row[C.Commission_Amount as number] = money(c.amount, c.currency);
      row[C.Currency as number] = c.currency;
      row[C.Class as number] = c.className;
      if (c.defect?.column !== undefined) row[columnAt(C, c.defect.column)] = c.defect.value ?? '';
      const at = this.out.write('commissions', c.day, row, c.defect === undefined);
      this.collector.countCurrency('commissions', row[C.Currency as number]);
      const defect =
        c.defect ?? (c.excluded ? EXCLUDED : undefined) ?? this.pending(c.currency, c.day, 'commission date');
      if (defect !== undefined) this.collector.expect(at, 'commissions', c.id, defect);
    }
  }

  generalImport(rows: readonly GeneralImportRow[]): void {
    for (const r of rows) {
      const row = new Array<string>(9);
      row[G.Source as number] = r.source;
      row[G.Transaction_ID as number] = r.transactionId;
      row[G.Split_Transaction_ID as number] = r.splitId;
      row[G.Booked_Date as number] = r.booked === undefined ? '' : formatDay(r.booked);
      row[G.Recognition_Start_Date as number] = r.recognitionStart === undefined ? '' : formatDay(r.recognitionStart);
      row[G.Recognition_End_Date as number] =
        r.recognitionEndExclusive === undefined ? '' : formatDay(r.recognitionEndExclusive);
      row[G.Amount as number] = r.amount === undefined || r.currency === undefined ? '' : money(r.amount, r.currency);
      row[G.Currency as number] = r.currencyText ?? r.currency ?? '';
      row[G.Description as number] = r.description;
      if (r.defect?.column !== undefined) row[columnAt(G, r.defect.column)] = r.defect.value ?? '';
      const at = this.out.write('general_import', r.routeDay, row);
      if (row[G.Currency as number] !== '') this.collector.countCurrency('general_import', row[G.Currency as number]);
      const external = r.splitId === '' && r.booked !== undefined && r.currency !== undefined;
      const defect =
        r.defect ??
        (external ? this.pending(r.currency as SampleCurrency, r.booked as number, 'booked date') : undefined);
      if (defect !== undefined)
        this.collector.expect(at, 'general_import', `${r.source}|${r.transactionId}|${r.splitId}`, defect);
    }
  }

  exclusion(transactionId: string): RowLocation {
    this.collector.exclusions.push(transactionId);
    return this.out.write('exclusions', 0, [transactionId]);
  }

  private pending(currency: SampleCurrency, day: number, what: string): RowDefect | undefined {
    return this.fx.isPending(currency, day)
      ? {
          code: 'FX_PENDING',
          note: `no ${currency} rate within 3 days of the ${what} ${formatDay(day)} (deliberate gap)`,
        }
      : undefined;
  }
}

/** Decimal text of minor units at the currency's ISO decimals (JPY without decimals). */
export function money(minor: bigint, currency: SampleCurrency): string {
  return formatScaled(minor, MINOR_UNITS[currency]);
}
