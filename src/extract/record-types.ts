/**
 * The input record types of `inputs.md`: their canonical column names, which are required, their key, and the file
 * name pattern that identifies them. Raw tables (`raw.<type>`) hold exactly these columns as VARCHAR, in this order,
 * followed by `_extra` (unknown columns, kept) and the lineage columns.
 */
export interface RecordType {
  readonly name: RecordTypeName;
  /** Canonical column names, in file order. */
  readonly columns: readonly string[];
  readonly required: readonly string[];
  /** Columns forming the record key ("latest Version wins" per key). */
  readonly key: readonly string[];
  /** Default file-name glob (case-insensitive) that maps a CSV to this type. */
  readonly filePattern: string;
}

export type RecordTypeName =
  | 'orders'
  | 'invoices'
  | 'commissions'
  | 'fx_rates'
  | 'general_import'
  | 'exclusions'
  | 'products'
  | 'currencies'
  | 'gl_accounts';

const customFields = ['02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => `BS_CustomField${n}`);

export const RECORD_TYPES: Readonly<Record<RecordTypeName, RecordType>> = {
  orders: {
    name: 'orders',
    columns: [
      'Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'List_Price',
      'Sale_Price', 'SSP', 'Currency', 'Service_Start_Date', 'Service_End_Date', 'Reference_Invoice_Number',
    ],
    required: [
      'Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price',
      'Currency', 'Service_Start_Date', 'Service_End_Date',
    ],
    key: ['Sales_Order_Item_Id'],
    filePattern: 'orders*.csv',
  },
  invoices: {
    name: 'invoices',
    columns: [
      'Invoice_Number', 'Document_Type', 'Reference_Document', 'Sales_Order_Id', 'Sales_Order_Item_Id', 'Billing_Date',
      'Billing_Amount', 'Currency', 'Service_Start_Date', 'Service_End_Date', ...customFields,
    ],
    required: ['Invoice_Number', 'Document_Type', 'Billing_Date', 'Billing_Amount', 'Currency'],
    key: ['Invoice_Number', 'Sales_Order_Item_Id'],
    filePattern: 'invoices*.csv',
  },
  commissions: {
    name: 'commissions',
    columns: [
      'Commission_Id', 'Sales_Order_Id', 'Sales_Order_Item_Id', 'Commission_Date', 'Commission_Amount', 'Currency', 'Class',
    ],
    required: ['Commission_Id', 'Sales_Order_Id', 'Sales_Order_Item_Id', 'Commission_Date', 'Commission_Amount', 'Currency'],
    key: ['Commission_Id'],
    filePattern: 'commissions*.csv',
  },
  fx_rates: {
    name: 'fx_rates',
    columns: ['From_Currency', 'To_Currency', 'Rate_Date', 'Rate'],
    required: ['From_Currency', 'To_Currency', 'Rate_Date', 'Rate'],
    key: ['From_Currency', 'To_Currency', 'Rate_Date'],
    filePattern: 'fx_rates*.csv',
  },
  general_import: {
    name: 'general_import',
    columns: [
      'Source', 'Transaction_ID', 'Split_Transaction_ID', 'Booked_Date', 'Recognition_Start_Date',
      'Recognition_End_Date', 'Amount', 'Currency', 'Description',
    ],
    required: ['Source', 'Transaction_ID'],
    key: ['Source', 'Transaction_ID', 'Split_Transaction_ID'],
    filePattern: 'general_import*.csv',
  },
  exclusions: {
    name: 'exclusions',
    columns: ['Transaction_ID'],
    required: ['Transaction_ID'],
    key: ['Transaction_ID'],
    filePattern: 'exclusions*.csv',
  },
  products: {
    name: 'products',
    columns: ['Product_Id', 'Product_Code', 'Product_Name', 'Recognition_Method', 'SSP', 'Currency', 'Effective_From'],
    required: ['Product_Id'],
    key: ['Product_Id', 'Currency', 'Effective_From'],
    filePattern: 'products*.csv',
  },
  currencies: {
    name: 'currencies',
    columns: ['Currency', 'Minor_Unit'],
    required: ['Currency', 'Minor_Unit'],
    key: ['Currency'],
    filePattern: 'currencies*.csv',
  },
  gl_accounts: {
    name: 'gl_accounts',
    columns: ['Account_Type', 'Account_Id'],
    required: ['Account_Type', 'Account_Id'],
    key: ['Account_Type'],
    filePattern: 'gl_accounts*.csv',
  },
};

export const RECORD_TYPE_NAMES = Object.keys(RECORD_TYPES) as RecordTypeName[];

/** Lineage columns appended to every raw table, in order. */
export const LINEAGE_COLUMNS = [
  { name: '_version', type: 'BIGINT', doc: 'Load version (monotonic, one per landed file)' },
  { name: '_source', type: 'VARCHAR', doc: 'Source name from sources/*.yml' },
  { name: '_file', type: 'VARCHAR', doc: 'File key within the source (ZIP entries as zip-key!entry)' },
  { name: '_row', type: 'BIGINT', doc: 'Row number in the file; the header is row 1' },
  { name: '_loaded_at', type: 'TIMESTAMP', doc: 'When the load committed (UTC)' },
] as const;

/**
 * Header matching of inputs.md: case-insensitive, spaces and underscores alike (and surrounding blanks ignored).
 * `" Sales Order Id"`, `"SALES_ORDER_ID"` and `"sales order_id"` all normalise to `sales_order_id`.
 */
export function normalizeHeader(header: string): string {
  return header.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_]+/g, '_');
}
