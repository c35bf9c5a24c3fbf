/**
 * Small builders for oracle inputs, so tests read like the spec's examples: `order({...})`, `inv(...)`, amounts
 * as decimal text.
 */
import type { DocumentType } from '../../src/finance/billing-documents.js';
import { decimal } from '../../src/finance/money.js';
import type {
  CommissionRecord,
  CurrencyRecord,
  InvoiceRecord,
  OracleConfig,
  OracleInputs,
  OrderRecord,
} from './oracle-types.js';

/** The currencies seed used by tests. */
export const TEST_CURRENCIES: CurrencyRecord[] = [
  { currency: 'USD', minorUnit: 2 },
  { currency: 'EUR', minorUnit: 2 },
  { currency: 'GBP', minorUnit: 2 },
  { currency: 'JPY', minorUnit: 0 },
  { currency: 'KRW', minorUnit: 0 },
  { currency: 'BHD', minorUnit: 3 },
];

/** Inputs with no records. */
export function emptyInputs(config: OracleConfig): OracleInputs {
  return {
    config,
    orders: [],
    invoices: [],
    commissions: [],
    fxRates: [],
    generalImport: [],
    exclusions: [],
    products: [],
    currencies: TEST_CURRENCIES,
  };
}

/** An order item; amounts as text. */
export function order(fields: {
  order?: string;
  item: string;
  date: string;
  start: string;
  end: string;
  price: string;
  quantity?: string;
  ssp?: string;
  currency?: string;
  product?: string;
  customer?: string;
  referenceInvoice?: string;
}): OrderRecord {
  return {
    salesOrderId: fields.order ?? `SO-${fields.item}`,
    salesOrderItemId: fields.item,
    customerId: fields.customer ?? 'C1',
    productId: fields.product ?? 'P1',
    orderDate: fields.date,
    quantity: decimal(fields.quantity ?? '1'),
    salePrice: decimal(fields.price),
    ssp: fields.ssp === undefined ? undefined : decimal(fields.ssp),
    currency: fields.currency ?? 'USD',
    serviceStartDate: fields.start,
    serviceEndDate: fields.end,
    referenceInvoiceNumber: fields.referenceInvoice,
  };
}

/** A billing document on an order item. */
export function doc(
  type: DocumentType,
  number: string,
  item: string,
  date: string,
  amount: string,
  extra: Partial<InvoiceRecord> = {},
): InvoiceRecord {
  return {
    invoiceNumber: number,
    documentType: type,
    salesOrderId: `SO-${item}`,
    salesOrderItemId: item,
    billingDate: date,
    billingAmount: decimal(amount),
    currency: 'USD',
    ...extra,
  };
}

/** A commission on an order item. */
export function commission(id: string, item: string, date: string, amount: string, extra: Partial<CommissionRecord> = {}): CommissionRecord {
  return {
    commissionId: id,
    salesOrderId: `SO-${item}`,
    salesOrderItemId: item,
    commissionDate: date,
    commissionAmount: decimal(amount),
    currency: 'USD',
    ...extra,
  };
}
