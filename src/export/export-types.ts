/**
 * The export types of `exports.md`, their columns in order, and how each column is written. The rows come from the
 * `exports.exp_<type>` models (amounts as BIGINT minor units with `_amount_minor_unit`, quantities and prices scaled
 * by 10^6, Duration x 100); `export-select.ts` turns a type into the SELECT that `COPY` writes for CSV or Parquet.
 */
export type ColumnKind =
  | 'text'
  | 'period'
  | 'date'
  | 'amount'
  | 'bool'
  | 'quantity'
  | 'price'
  | 'duration'
  | 'version'
  | 'timestamp';

export interface ExportColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

export type ExportTypeName =
  | 'unearned_revenue_rollforward'
  | 'revenue'
  | 'deferred_revenue_balance'
  | 'orders'
  | 'journals'
  | 'invoices'
  | 'control'
  | 'expenses'
  | 'revenue_backlog';

export interface ExportType {
  readonly name: ExportTypeName;
  /** The model holding the rows (`exports.<model>`); control has none (one row made by the exporter). */
  readonly model?: string;
  readonly columns: readonly ExportColumn[];
  /** Row order inside a file, for stable, diffable files. */
  readonly orderBy: readonly string[];
  /** Journals are exported only for closed periods. */
  readonly closedPeriodsOnly?: boolean;
  /**
   * The `meta` table the freeze copies the model's rows of the closing period into (freeze-period.ts), which the
   * model returns for every closed period: the close-period export reads it directly. Through the model, DuckDB also
   * runs the current period's branch (for invoices the anti-join with every frozen document: 0.29 s against 6 ms for
   * the totals of a closed period at 1M lines) only to filter it away.
   */
  readonly frozenSnapshot?: string;
}

const c = (name: string, kind: ColumnKind): ExportColumn => ({ name, kind });
const GROUP_HEAD = [
  c('Actg_Period', 'period'),
  c('Reference_Invoice_Number', 'text'),
  c('Sales_Order_Id', 'text'),
  c('Product_Code', 'text'),
  c('Product_Name', 'text'),
  c('Contract_Date', 'date'),
  c('Currency', 'text'),
  c('Current_Customer_Id', 'text'),
];
const GROUP_ORDER = ['Actg_Period', 'Sales_Order_Id', 'Reference_Invoice_Number', 'Product_Code'];
const ITEM_ORDER = ['Actg_Period', 'Sales_Order_Id', 'Sales_Order_Item_Id'];

/** In the order of exports.md. */
export const EXPORT_TYPES: readonly ExportType[] = [
  {
    name: 'unearned_revenue_rollforward',
    model: 'exp_unearned_revenue_rollforward',
    columns: [
      ...GROUP_HEAD,
      c('Beginning_Unearned_Revenue', 'amount'),
      c('Booking_Amount', 'amount'),
      c('New_Billing', 'amount'),
      c('Revenue', 'amount'),
      c('Foreign_Currency_Change', 'amount'),
      c('Adjustment_To_Unearned_Revenue', 'amount'),
      c('Ending_Unearned_Revenue', 'amount'),
      c('Beginning_Unbilled_Receivable', 'amount'),
      c('Ending_Unbilled_Receivable', 'amount'),
    ],
    orderBy: GROUP_ORDER,
  },
  { name: 'revenue', model: 'exp_revenue', columns: [...GROUP_HEAD, c('Revenue', 'amount')], orderBy: GROUP_ORDER },
  {
    name: 'deferred_revenue_balance',
    model: 'exp_deferred_revenue_balance',
    columns: [...GROUP_HEAD, c('Ending_Unearned_Revenue', 'amount')],
    orderBy: GROUP_ORDER,
  },
  {
    name: 'orders',
    model: 'exp_orders',
    frozenSnapshot: 'frozen_orders',
    columns: [
      c('Actg_Period', 'period'),
      c('Sales_Order_Id', 'text'),
      c('Sales_Order_Item_Id', 'text'),
      c('Product_Id', 'text'),
      c('Customer_Id', 'text'),
      c('Order_Date', 'date'),
      c('Bookings_Amount', 'amount'),
      c('Quantity', 'quantity'),
      c('List_Price', 'price'),
      c('Sale_Price', 'price'),
      c('Allocated_Revenue', 'amount'),
      c('IsActive', 'bool'),
      c('Service_Start_Date', 'date'),
      c('Service_End_Date', 'date'),
      c('MRR', 'amount'),
      c('Duration', 'duration'),
      c('Currency', 'text'),
      c('Reference_Invoice_Number', 'text'),
    ],
    orderBy: ITEM_ORDER,
  },
  {
    name: 'journals',
    model: 'exp_journals',
    columns: [
      c('Actg_Period', 'period'),
      c('Sales_Order_Id', 'text'),
      c('Sales_Order_Item_Id', 'text'),
      c('Account_Id', 'text'),
      c('Product_Id', 'text'),
      c('Customer_Id', 'text'),
      c('Link_Id', 'text'),
      c('Class', 'text'),
      c('Account_Type', 'text'),
      c('Credit_Amount', 'amount'),
      c('Debit_Amount', 'amount'),
      c('Currency', 'text'),
    ],
    orderBy: [...ITEM_ORDER, 'Account_Type'],
    closedPeriodsOnly: true,
  },
  {
    name: 'invoices',
    model: 'exp_invoices',
    frozenSnapshot: 'frozen_invoices',
    columns: [
      c('Actg_Period', 'period'),
      c('Sales_Order_Id', 'text'),
      c('Sales_Order_Item_Id', 'text'),
      c('Invoice_Number', 'text'),
      ...['02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => c(`BS_CustomField${n}`, 'text')),
      c('Billing_Date', 'date'),
      c('Billing_Amount', 'amount'),
      c('Currency', 'text'),
    ],
    orderBy: ['Actg_Period', 'Sales_Order_Id', 'Sales_Order_Item_Id', 'Billing_Date', 'Invoice_Number'],
  },
  { name: 'control', columns: [c('Closed_Period', 'period'), c('Export_Timestamp', 'timestamp')], orderBy: [] },
  {
    name: 'expenses',
    model: 'exp_expenses',
    columns: [
      c('Actg_Period', 'period'),
      c('Sales_Order_Id', 'text'),
      c('Sales_Order_Item_Id', 'text'),
      c('Product_Id', 'text'),
      c('Beginning_Deferred_Expense', 'amount'),
      c('New_Commissions', 'amount'),
      c('Commission_Amortization', 'amount'),
      c('Ending_Deferred_Expense', 'amount'),
    ],
    orderBy: ITEM_ORDER,
  },
  {
    name: 'revenue_backlog',
    model: 'exp_revenue_backlog',
    columns: [
      c('Actg_Period', 'period'),
      c('Sales_Order_Id', 'text'),
      c('Sales_Order_Item_Id', 'text'),
      c('Product_Code', 'text'),
      c('Beginning_Backlog', 'amount'),
      c('New_Booking', 'amount'),
      c('Total_Revenue', 'amount'),
      c('Ending_Backlog', 'amount'),
    ],
    orderBy: ITEM_ORDER,
  },
];

/** The types whose model's rows of a closed period the freeze copies into a `meta` snapshot (frozenSnapshot). */
export const SNAPSHOT_TYPES: readonly (ExportType & { readonly model: string; readonly frozenSnapshot: string })[] = EXPORT_TYPES.flatMap((t) =>
  t.model && t.frozenSnapshot ? [{ ...t, model: t.model, frozenSnapshot: t.frozenSnapshot }] : [],
);

/** The `meta` snapshot tables the freeze writes and a reopen clears. */
export const FROZEN_SNAPSHOTS: readonly string[] = SNAPSHOT_TYPES.map((t) => t.frozenSnapshot);

export function exportType(name: ExportTypeName): ExportType {
  const type = EXPORT_TYPES.find((t) => t.name === name);
  if (!type) throw new Error(`Unexpected export type ${name}`);
  return type;
}
