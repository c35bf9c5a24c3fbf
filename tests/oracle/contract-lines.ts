/**
 * Contract lines from sales orders and invoice-as-contract INVs (spec "Contract lines", "Allocation"): future-dated
 * records held, exclusions removed before allocation, an order with a line lacking SSP staged whole, the rest
 * allocated by relative SSP. General-import lines are added by `general-import-lines.ts`.
 */
import { allocateBySsp } from '../../src/finance/allocation.js';
import { durationHundredthsOfDays, formatDuration, monthlyRecurringRevenue } from '../../src/finance/duration.js';
import type { ScaledDecimal } from '../../src/finance/money.js';
import { decimalToMinor, multiplyDecimals } from '../../src/finance/money.js';
import { periodOf, toEpochDay } from '../../src/finance/periods.js';
import type { RecognitionMethod } from '../../src/finance/recognition.js';
import type { LineModel } from './line-model.js';
import type { ContractLine, IsoDate, LineKind, OracleInputs, OrderRecord, RecordType } from './oracle-types.js';
import type { ReferenceData, StageLog } from './reference-data.js';
import { invoiceKey, present } from './reference-data.js';

/** The lines in the books so far, the keys of excluded lines, and how each order item fared. */
export interface LineBook {
  lines: Map<string, LineModel>;
  excluded: Set<string>;
  /** Every `Sales_Order_Item_Id` of the orders input, whatever became of it. */
  orderItemIds: Set<string>;
  /** Invoice rows (by stage key) that are invoice-as-contract INVs, and the line they made (undefined: staged). */
  contractInvoices: Map<string, string | undefined>;
  /** Invoice-as-contract INVs without item id that made a line or were excluded: invoice number → line key. */
  contractInvoiceNumbers: Map<string, string>;
  /** Order items held for a future period: their documents and commissions wait with them (decision 3). */
  held: Set<string>;
  /** Keys of external general-import lines (in the books or excluded): documents never bill them (decision 7). */
  externalKeys: Set<string>;
}

/** Attributes shared by every kind of line. */
export interface LineSeed {
  key: string;
  kind: LineKind;
  salesOrderId: string;
  referenceInvoiceNumber: string;
  productId: string;
  productCode: string;
  productName: string;
  customerId: string;
  currency: string;
  contractDate: IsoDate;
  booking: bigint;
  allocated: bigint;
  method: RecognitionMethod;
  serviceStartDate: IsoDate;
  serviceEndDate: IsoDate;
  quantity?: ScaledDecimal | undefined;
  listPrice?: ScaledDecimal | undefined;
  salePrice?: ScaledDecimal | undefined;
  sourceType: RecordType;
  sourceKey: string;
}

/** A line model with one part following its own service dates. */
export function newLineModel(seed: LineSeed, ref: ReferenceData): LineModel {
  const startDay = toEpochDay(seed.serviceStartDate);
  const endDay = toEpochDay(seed.serviceEndDate);
  const durationHundredths = durationHundredthsOfDays(startDay, endDay);
  const line: ContractLine = {
    key: seed.key,
    kind: seed.kind,
    salesOrderId: seed.salesOrderId,
    salesOrderItemId: seed.key,
    referenceInvoiceNumber: seed.referenceInvoiceNumber,
    productId: seed.productId,
    productCode: seed.productCode,
    productName: seed.productName,
    customerId: seed.customerId,
    currency: seed.currency.toUpperCase(),
    minorUnit: ref.minorUnit(seed.currency),
    contractDate: seed.contractDate,
    quantity: seed.quantity,
    listPrice: seed.listPrice,
    salePrice: seed.salePrice,
    booking: seed.booking,
    allocated: seed.allocated,
    carve: seed.allocated - seed.booking,
    method: seed.method,
    serviceStartDate: seed.serviceStartDate,
    serviceEndDate: seed.serviceEndDate,
    recognition: [{ id: seed.key, amount: seed.allocated, startDate: seed.serviceStartDate, endDate: seed.serviceEndDate }],
    durationHundredths,
    duration: formatDuration(durationHundredths),
    mrr: monthlyRecurringRevenue(seed.booking, durationHundredths, seed.method),
    fxPending: false,
  };
  const bookedPeriod = periodOf(seed.contractDate);
  return {
    line,
    parts: [{ id: seed.key, weight: seed.allocated, schedule: { method: seed.method, startDay, endDay, bookedPeriod } }],
    bookedPeriod,
    endPeriod: periodOf(seed.serviceEndDate),
    documents: [],
    commissions: [],
    expenseAtOnce: false,
    sourceType: seed.sourceType,
    sourceKey: seed.sourceKey,
  };
}

/** Order lines and invoice-as-contract lines of today's data. `cutoff` is the current period's last day. */
export function buildOrderAndInvoiceLines(inputs: OracleInputs, ref: ReferenceData, cutoff: IsoDate, stage: StageLog): LineBook {
  const exclusions = new Set(inputs.exclusions.map((e) => e.transactionId));
  const isExcluded = (...ids: Array<string | undefined>) => ids.some((id) => present(id) !== undefined && exclusions.has(id as string));
  const book: LineBook = {
    lines: new Map(),
    excluded: new Set(),
    orderItemIds: new Set(),
    contractInvoices: new Map(),
    contractInvoiceNumbers: new Map(),
    held: new Set(),
    externalKeys: new Set(),
  };

  const byOrder = new Map<string, OrderRecord[]>();
  for (const order of sortBy(inputs.orders, (o) => o.salesOrderItemId)) {
    book.orderItemIds.add(order.salesOrderItemId);
    if (order.orderDate > cutoff) {
      stage.add('orders', order.salesOrderItemId, 'FUTURE_PERIOD', `order date ${order.orderDate} is after the current period; it enters the books when its period opens`);
      book.held.add(order.salesOrderItemId);
    } else if (isExcluded(order.salesOrderId, order.salesOrderItemId, order.referenceInvoiceNumber)) {
      stage.add('orders', order.salesOrderItemId, 'EXCLUDED', 'listed in the exclusion import');
      book.excluded.add(order.salesOrderItemId);
    } else {
      const items = byOrder.get(order.salesOrderId) ?? [];
      items.push(order);
      byOrder.set(order.salesOrderId, items);
    }
  }

  for (const items of byOrder.values()) {
    const priced = items.map((order) => {
      const minor = ref.minorUnit(order.currency);
      const ssp = order.ssp ?? ref.sspRow(order.productId, order.currency, order.orderDate)?.ssp;
      return { order, booking: decimalToMinor(multiplyDecimals(order.quantity, order.salePrice), minor), ssp };
    });
    const missing = priced.filter((p) => p.ssp === undefined).map((p) => p.order.salesOrderItemId);
    if (items.length >= 2 && missing.length > 0) {
      for (const { order } of priced) {
        stage.add('orders', order.salesOrderItemId, 'MISSING_SSP', `order ${order.salesOrderId} has no SSP for item(s) ${missing.join(', ')} (line or products seed); add the SSP and reload`);
      }
      continue;
    }
    const allocated =
      items.length === 1
        ? [priced[0]!.booking]
        : allocateBySsp(priced.map((p) => ({ id: p.order.salesOrderItemId, booking: p.booking, extendedSsp: multiplyDecimals(p.order.quantity, p.ssp!) })));
    priced.forEach(({ order, booking }, i) => {
      const product = ref.productRow(order.productId, order.currency, order.orderDate);
      const model = newLineModel(
        {
          key: order.salesOrderItemId,
          kind: 'order',
          salesOrderId: order.salesOrderId,
          referenceInvoiceNumber: order.referenceInvoiceNumber ?? '',
          productId: order.productId,
          productCode: product?.productCode ?? '',
          productName: product?.productName ?? '',
          customerId: order.customerId,
          currency: order.currency,
          contractDate: order.orderDate,
          booking,
          allocated: allocated[i]!,
          method: ref.method(order.productId, order.currency, order.orderDate),
          serviceStartDate: order.serviceStartDate,
          serviceEndDate: order.serviceEndDate,
          quantity: order.quantity,
          listPrice: order.listPrice,
          salePrice: order.salePrice,
          sourceType: 'orders',
          sourceKey: order.salesOrderItemId,
        },
        ref,
      );
      book.lines.set(model.line.key, model);
    });
  }

  for (const invoice of sortBy(inputs.invoices, (i) => invoiceKey(i.invoiceNumber, i.salesOrderItemId))) {
    if (invoice.documentType !== 'INV' || present(invoice.salesOrderId) !== undefined) continue;
    if (!present(invoice.serviceStartDate) || !present(invoice.serviceEndDate) || invoice.billingDate > cutoff) continue;
    const stageKey = invoiceKey(invoice.invoiceNumber, invoice.salesOrderItemId);
    const key = present(invoice.salesOrderItemId) ?? invoice.invoiceNumber;
    book.contractInvoices.set(stageKey, undefined);
    if (isExcluded(key, invoice.invoiceNumber)) {
      stage.add('invoices', stageKey, 'EXCLUDED', 'listed in the exclusion import');
      book.excluded.add(key);
      if (!present(invoice.salesOrderItemId)) book.contractInvoiceNumbers.set(invoice.invoiceNumber, key);
    } else if (book.lines.has(key) || book.orderItemIds.has(key)) {
      stage.add('invoices', stageKey, 'NO_CONTRACT_LINE', `invoice-as-contract line ${key} would reuse the key of another line; give the invoice row its own Sales_Order_Item_Id`);
    } else if (invoice.serviceEndDate! < invoice.serviceStartDate!) {
      stage.add('invoices', stageKey, 'BAD_SERVICE_PERIOD', `service end ${invoice.serviceEndDate} is before its start ${invoice.serviceStartDate}`);
    } else {
      const amount = ref.amountToMinor(invoice.billingAmount, invoice.currency);
      const model = newLineModel(
        {
          key,
          kind: 'invoice',
          salesOrderId: '',
          referenceInvoiceNumber: invoice.invoiceNumber,
          productId: '',
          productCode: '',
          productName: '',
          customerId: '',
          currency: invoice.currency,
          contractDate: invoice.billingDate,
          booking: amount,
          allocated: amount,
          method: 'ratable_daily',
          serviceStartDate: invoice.serviceStartDate!,
          serviceEndDate: invoice.serviceEndDate!,
          sourceType: 'invoices',
          sourceKey: stageKey,
        },
        ref,
      );
      book.lines.set(key, model);
      book.contractInvoices.set(stageKey, key);
      if (!present(invoice.salesOrderItemId)) book.contractInvoiceNumbers.set(invoice.invoiceNumber, key);
    }
  }
  return book;
}

/** A copy sorted by a string key (code-unit order; ids in tests are ASCII). */
export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
