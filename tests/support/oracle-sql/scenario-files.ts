/**
 * Oracle records → the CSV files a user would deliver (inputs.md): one file per record type, the columns of
 * `src/extract/record-types.ts`, money as exact decimal text from the scaled integers (never via a float).
 */
import { RECORD_TYPES } from '../../../src/extract/record-types.js';
import type { RecordTypeName } from '../../../src/extract/record-types.js';
import type { ScaledDecimal } from '../../../src/finance/money.js';
import { formatScaled } from '../../../src/finance/money.js';
import type {
  CommissionRecord,
  ExclusionRecord,
  FxRateRecord,
  GeneralImportRecord,
  InvoiceRecord,
  OrderRecord,
  ProductRecord,
} from '../../oracle/oracle-types.js';

/** Records of one delivery, by type (any may be empty). */
export interface Delivery {
  orders?: readonly OrderRecord[];
  invoices?: readonly InvoiceRecord[];
  commissions?: readonly CommissionRecord[];
  fxRates?: readonly FxRateRecord[];
  generalImport?: readonly GeneralImportRecord[];
  exclusions?: readonly ExclusionRecord[];
  products?: readonly ProductRecord[];
}

/** A CSV file ready to land: its delivered name (which decides the record type) and content. */
export interface DeliveredFile {
  readonly name: string;
  readonly type: RecordTypeName;
  readonly content: string;
}

type Cells = Record<string, string | undefined>;

const dec = (value: ScaledDecimal | undefined) => (value === undefined ? undefined : formatScaled(value.units, value.scale));

function orderCells(r: OrderRecord): Cells {
  return {
    Sales_Order_Id: r.salesOrderId,
    Sales_Order_Item_Id: r.salesOrderItemId,
    Customer_Id: r.customerId,
    Product_Id: r.productId,
    Order_Date: r.orderDate,
    Quantity: dec(r.quantity),
    List_Price: dec(r.listPrice),
    Sale_Price: dec(r.salePrice),
    SSP: dec(r.ssp),
    Currency: r.currency,
    Service_Start_Date: r.serviceStartDate,
    Service_End_Date: r.serviceEndDate,
    Reference_Invoice_Number: r.referenceInvoiceNumber,
  };
}

function invoiceCells(r: InvoiceRecord): Cells {
  return {
    Invoice_Number: r.invoiceNumber,
    Document_Type: r.documentType,
    Reference_Document: r.referenceDocument,
    Sales_Order_Id: r.salesOrderId,
    Sales_Order_Item_Id: r.salesOrderItemId,
    Billing_Date: r.billingDate,
    Billing_Amount: dec(r.billingAmount),
    Currency: r.currency,
    Service_Start_Date: r.serviceStartDate,
    Service_End_Date: r.serviceEndDate,
  };
}

function commissionCells(r: CommissionRecord): Cells {
  return {
    Commission_Id: r.commissionId,
    Sales_Order_Id: r.salesOrderId,
    Sales_Order_Item_Id: r.salesOrderItemId,
    Commission_Date: r.commissionDate,
    Commission_Amount: dec(r.commissionAmount),
    Currency: r.currency,
    Class: r.class,
  };
}

function rateCells(r: FxRateRecord): Cells {
  return { From_Currency: r.fromCurrency, To_Currency: r.toCurrency, Rate_Date: r.rateDate, Rate: dec(r.rate) };
}

function generalImportCells(r: GeneralImportRecord): Cells {
  return {
    Source: r.source,
    Transaction_ID: r.transactionId,
    Split_Transaction_ID: r.splitTransactionId,
    Booked_Date: r.bookedDate,
    Recognition_Start_Date: r.recognitionStartDate,
    Recognition_End_Date: r.recognitionEndDate,
    Amount: dec(r.amount),
    Currency: r.currency,
    Description: r.description,
  };
}

function productCells(r: ProductRecord): Cells {
  return {
    Product_Id: r.productId,
    Product_Code: r.productCode,
    Product_Name: r.productName,
    Recognition_Method: r.recognitionMethod,
    SSP: dec(r.ssp),
    Currency: r.currency,
    Effective_From: r.effectiveFrom,
  };
}

/** RFC 4180 quoting when needed. */
function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** CSV text of rows of one record type, header first, columns in canonical order. */
export function csvOf(type: RecordTypeName, rows: readonly Cells[]): string {
  const columns = RECORD_TYPES[type].columns;
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(row[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

/** The files of a delivery, one per non-empty record type, named `<type>_<tag>.csv`. */
export function deliveryFiles(delivery: Delivery, tag: string): DeliveredFile[] {
  const parts: Array<[RecordTypeName, Cells[]]> = [
    ['products', (delivery.products ?? []).map(productCells)],
    ['fx_rates', (delivery.fxRates ?? []).map(rateCells)],
    ['orders', (delivery.orders ?? []).map(orderCells)],
    ['invoices', (delivery.invoices ?? []).map(invoiceCells)],
    ['commissions', (delivery.commissions ?? []).map(commissionCells)],
    ['general_import', (delivery.generalImport ?? []).map(generalImportCells)],
    ['exclusions', (delivery.exclusions ?? []).map((r) => ({ Transaction_ID: r.transactionId }))],
  ];
  return parts.filter(([, rows]) => rows.length > 0).map(([type, rows]) => ({ name: `${type}_${tag}.csv`, type, content: csvOf(type, rows) }));
}
