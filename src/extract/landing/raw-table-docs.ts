import { LINEAGE_COLUMNS, RECORD_TYPES, type RecordTypeName } from '../record-types.js';

/** `COMMENT ON TABLE` text of each `raw.<type>` table. */
export const RAW_TABLE_DOCS: Readonly<Record<RecordTypeName, string>> = {
  orders: 'Order lines as delivered (orders*.csv, XLSX tab "orders"), one row per record of every landed file; staging keeps the latest _version per Sales_Order_Item_Id.',
  invoices: 'Billing documents as delivered (invoices*.csv, tab "invoices"): INV, IVC, CM, CMC lines; staging keeps the latest _version per Invoice_Number + Sales_Order_Item_Id.',
  commissions: 'Commission lines as delivered (commissions*.csv, tab "commissions"); staging keeps the latest _version per Commission_Id.',
  fx_rates: 'Exchange rates as delivered (fx_rates*.csv, tab "fx_rates"); staging keeps the latest _version per From_Currency + To_Currency + Rate_Date.',
  general_import: 'General imports (seed 004) as delivered (general_import*.csv); staging keeps the latest _version per Source + Transaction_ID + Split_Transaction_ID.',
  exclusions: 'Exclusion imports (seed 004) as delivered (exclusions*.csv): transactions to leave out of revenue; key Transaction_ID.',
  products: 'Product reference rows as delivered (products*.csv); they replace the seed rows with the same Product_Id + Currency + Effective_From.',
  currencies: 'Currency reference rows as delivered (currencies*.csv); they replace the seed rows with the same Currency.',
  gl_accounts: 'GL account reference rows as delivered (gl_accounts*.csv); they replace the seed rows with the same Account_Type.',
};

/** What inputs.md says about particular columns, appended to their comment. */
const COLUMN_NOTES: Readonly<Record<string, string>> = {
  'orders.Service_End_Date': 'Last day of service, inclusive.',
  'orders.Reference_Invoice_Number': 'Invoice the order line refers to, if any.',
  'invoices.Document_Type': 'INV, IVC, CM or CMC.',
  'invoices.Reference_Document': 'IVC: its INV; CM: the INV it credits; CMC: its CM.',
  'invoices.Billing_Amount': 'Positive decimal with "." and no thousands separator.',
  'general_import.Recognition_End_Date': 'End of recognition, exclusive.',
  'exclusions.Transaction_ID': 'Transaction to exclude from revenue.',
};

/** `COMMENT ON COLUMN` text of a canonical column of `raw.<type>`. */
export function rawColumnDoc(type: RecordTypeName, column: string): string {
  const recordType = RECORD_TYPES[type];
  const role = [
    recordType.required.includes(column) ? 'required' : 'optional',
    recordType.key.includes(column) ? 'part of the record key' : undefined,
  ].filter(Boolean).join(', ');
  const shape = /_Date$|^Effective_From$/.test(column)
    ? ' Expected YYYY-MM-DD.'
    : /Amount|Price|^SSP$|^Rate$|^Quantity$|^Minor_Unit$/.test(column)
      ? ' Expected a plain decimal (-?digits[.digits]).'
      : '';
  const note = COLUMN_NOTES[`${type}.${column}`];
  return `${column} as delivered (${role}): text, untrimmed, empty cell = NULL; typed and validated by the staging models.${shape}${note ? ` ${note}` : ''}`;
}

export const EXTRA_COLUMN_DOC =
  'Columns of the file that are not canonical, as a JSON object keyed by the normalised header (lower case, spaces as underscores; blank headers as column_<position>); NULL when the file has none.';

/** Lineage column comments (from record-types, with the landing-specific details). */
export function lineageColumnDoc(name: (typeof LINEAGE_COLUMNS)[number]['name']): string {
  const base = LINEAGE_COLUMNS.find((c) => c.name === name)!.doc;
  switch (name) {
    case '_row':
      return `${base}. A CSV record counts as one row even when a quoted value spans lines; for XLSX it is the sheet row.`;
    default:
      return `${base}.`;
  }
}

export const REJECTED_ROWS_DOC =
  'Rows the CSV reader could not parse (unbalanced quote, wrong number of fields, over-long row), one per bad record, with the file, row and what is wrong; the rest of the file still lands.';

export const REJECTED_COLUMN_DOCS: Readonly<Record<string, string>> = {
  type: 'Record type of the file part (raw table the row was meant for).',
  _version: 'Load version of the file.',
  _source: 'Source name from sources/*.yml.',
  _file: 'File key within the source (ZIP entries as zip-key!entry).',
  _row: 'Row number of the bad record in the file (header = 1; XLSX: sheet row).',
  code: 'BAD_ROW: the record could not be split into the header\'s fields.',
  message: 'What is wrong with the row and how to fix it.',
  raw_text: 'The record as it appears in the file (first characters only when very long).',
};
