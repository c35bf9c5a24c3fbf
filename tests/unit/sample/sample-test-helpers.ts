import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_TYPES, type RecordTypeName } from '../../../src/extract/record-types.js';

const scratchDirs: string[] = [];

/** A scratch folder under tests/.tmp (git-ignored), emptied first; removed by {@link removeScratchDirs}. */
export function scratchDir(name: string): string {
  const dir = join(import.meta.dirname, '../../.tmp', `sample-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  scratchDirs.push(dir);
  return dir;
}

/** Removes the scratch folders this test file made (call from `afterAll`). */
export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** An RFC 4180 reader written independently of the generator (quotes, doubled quotes, no embedded newlines). */
export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    fields.push(field);
    rows.push(fields);
  }
  return rows;
}

export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsvText(readFileSync(path, 'utf8'));
  return { header: header ?? [], rows };
}

/** Rows of a CSV as objects by header name, each with its row number (header = 1). */
export function readRecords(path: string): { row: number; values: Record<string, string> }[] {
  const { header, rows } = readCsv(path);
  return rows.map((r, i) => ({ row: i + 2, values: Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])) }));
}

/** SHA-256 of every file of a folder, by name. */
export function hashFolder(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of readdirSync(dir).sort())
    result[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  return result;
}

export function loadCurrencies(): Map<string, number> {
  const { rows } = readCsv(join(import.meta.dirname, '../../../seeds/currencies.csv'));
  return new Map(rows.map((r) => [r[0] as string, Number(r[1])]));
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function isRealDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const DATE_COLUMNS = [
  'Order_Date',
  'Service_Start_Date',
  'Service_End_Date',
  'Billing_Date',
  'Commission_Date',
  'Rate_Date',
  'Booked_Date',
  'Recognition_Start_Date',
  'Recognition_End_Date',
];
const NUMBER_COLUMNS = [
  'Quantity',
  'List_Price',
  'Sale_Price',
  'SSP',
  'Billing_Amount',
  'Commission_Amount',
  'Rate',
  'Amount',
];
const MONEY_WITH_CURRENCY_LIMIT = ['Billing_Amount', 'Commission_Amount', 'Amount'];
const CURRENCY_COLUMNS = ['Currency', 'From_Currency', 'To_Currency'];

/**
 * The row-level checks of inputs.md that need no other row: required fields, real dates, plain numbers (within the
 * currency's decimals for billing, commission and general-import amounts), known currencies, document types and
 * service periods. Returns the first problem, as the stage area would report it.
 */
export function rowProblem(
  type: RecordTypeName,
  v: Record<string, string>,
  currencies: Map<string, number>,
): { code: string; column?: string } | undefined {
  for (const c of RECORD_TYPES[type].required) if ((v[c] ?? '') === '') return { code: 'MISSING_FIELD', column: c };
  for (const c of DATE_COLUMNS) if (v[c] && !isRealDate(v[c])) return { code: 'BAD_DATE', column: c };
  for (const c of NUMBER_COLUMNS) if (v[c] && !PLAIN_NUMBER.test(v[c])) return { code: 'BAD_NUMBER', column: c };
  for (const c of CURRENCY_COLUMNS)
    if (v[c] && !currencies.has(v[c].toUpperCase())) return { code: 'UNKNOWN_CURRENCY', column: c };
  for (const c of MONEY_WITH_CURRENCY_LIMIT) {
    const decimals = v[c]?.split('.')[1]?.length ?? 0;
    const unit = currencies.get((v.Currency ?? '').toUpperCase());
    if (v[c] && unit !== undefined && decimals > unit) return { code: 'BAD_NUMBER', column: c };
  }
  if (type === 'invoices' && !['INV', 'IVC', 'CM', 'CMC'].includes(v.Document_Type ?? ''))
    return { code: 'BAD_DOCUMENT_TYPE', column: 'Document_Type' };
  if (
    (type === 'orders' || type === 'invoices') &&
    v.Service_Start_Date &&
    v.Service_End_Date &&
    v.Service_End_Date < v.Service_Start_Date
  ) {
    return { code: 'BAD_SERVICE_PERIOD', column: 'Service_End_Date' };
  }
  return undefined;
}
