import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_TYPES, type RecordTypeName } from '../../../src/extract/record-types.js';
import { generateCompany, SUMMARY_FILE } from '../../../src/sample/company-generator.js';
import type { GenerationSummary } from '../../../src/sample/generation-summary.js';
import {
  hashFolder,
  isRealDate,
  loadCurrencies,
  readCsv,
  readRecords,
  removeScratchDirs,
  rowProblem,
  scratchDir,
} from './sample-test-helpers.js';

afterAll(removeScratchDirs);

const FIELD_CODES = new Set([
  'MISSING_FIELD',
  'BAD_DATE',
  'BAD_NUMBER',
  'UNKNOWN_CURRENCY',
  'BAD_DOCUMENT_TYPE',
  'BAD_SERVICE_PERIOD',
]);
const currencies = loadCurrencies();

let dir: string;
let summary: GenerationSummary;
const records = new Map<string, { row: number; values: Record<string, string> }[]>();
const typeOf = (file: string): RecordTypeName =>
  (summary.files.find((f) => f.name === file)?.type ?? 'orders') as RecordTypeName;
const all = (type: RecordTypeName): Record<string, string>[] =>
  summary.files.filter((f) => f.type === type).flatMap((f) => (records.get(f.name) ?? []).map((r) => r.values));
const expectedAt = (file: string, row: number) => summary.expected.filter((e) => e.file === file && e.row === row);

beforeAll(async () => {
  dir = scratchDir('demo');
  summary = await generateCompany({ outDir: dir, seed: 42 });
  for (const f of summary.files) records.set(f.name, readRecords(join(dir, f.name)));
});

describe('generateCompany (default demo)', () => {
  it('writes the six record types plus a re-delivery, with canonical headers', () => {
    expect(summary.files.map((f) => f.name)).toEqual([
      'fx_rates.csv',
      'orders.csv',
      'invoices.csv',
      'commissions.csv',
      'general_import.csv',
      'exclusions.csv',
      'orders_redelivery.csv',
    ]);
    for (const f of summary.files) expect(readCsv(join(dir, f.name)).header).toEqual(RECORD_TYPES[f.type].columns);
    expect(JSON.parse(readFileSync(join(dir, SUMMARY_FILE), 'utf8'))).toEqual(summary);
  });

  it('counts rows as written', () => {
    for (const f of summary.files) expect(records.get(f.name)?.length, f.name).toBe(f.rows);
    expect(summary.counts.salesOrders).toBe(200);
    const orders = all('orders').filter((_, i) => i < (records.get('orders.csv')?.length ?? 0));
    const perOrder = new Map<string, number>();
    for (const o of orders)
      perOrder.set(o.Sales_Order_Id as string, (perOrder.get(o.Sales_Order_Id as string) ?? 0) + 1);
    expect(perOrder.size).toBe(200);
    for (const n of perOrder.values()) expect(n).toBeGreaterThanOrEqual(1);
    for (const n of perOrder.values()) expect(n).toBeLessThanOrEqual(4);
    const perCurrencyOrders = Object.values(summary.currencies).reduce((s, c) => s + (c.orders ?? 0), 0);
    expect(perCurrencyOrders).toBe(summary.counts.orders);
    for (const c of ['USD', 'EUR', 'GBP', 'JPY']) expect(summary.currencies[c]?.orders ?? 0).toBeGreaterThan(10);
  });

  it('writes real YYYY-MM-DD dates and exact amounts, except the rows meant to be bad', () => {
    const dateColumns = /_Date$/;
    const amountColumns = new Set(['List_Price', 'Sale_Price', 'SSP', 'Billing_Amount', 'Commission_Amount', 'Amount']);
    let checkedDates = 0;
    let checkedAmounts = 0;
    for (const f of summary.files) {
      for (const { row, values } of records.get(f.name) ?? []) {
        const bad = expectedAt(f.name, row).filter((e) => FIELD_CODES.has(e.code));
        for (const [column, text] of Object.entries(values)) {
          if (text === '' || bad.some((e) => e.column === column)) continue;
          if (dateColumns.test(column)) {
            expect(isRealDate(text), `${f.name}:${row} ${column}=${text}`).toBe(true);
            checkedDates++;
          }
          if (amountColumns.has(column)) {
            const unit = currencies.get((values.Currency ?? '').toUpperCase());
            if (unit === undefined) {
              expect(
                bad.map((e) => e.column),
                `${f.name}:${row} has no usable currency`,
              ).toEqual(['Currency']);
              continue;
            }
            const pattern = unit === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${unit}}$`);
            expect(text, `${f.name}:${row} ${column}`).toMatch(pattern);
            checkedAmounts++;
          }
        }
      }
    }
    expect(checkedDates).toBeGreaterThan(5000);
    expect(checkedAmounts).toBeGreaterThan(1000);
    for (const { row, values } of records.get('fx_rates.csv') ?? []) {
      if (expectedAt('fx_rates.csv', row).length === 0)
        expect(values.Rate, `fx_rates.csv:${row}`).toMatch(/^\d+\.\d{4,6}$/);
    }
  });

  it('lists exactly the rows that break a row-level rule, with the right code and column', () => {
    for (const f of summary.files) {
      for (const { row, values } of records.get(f.name) ?? []) {
        const problem = rowProblem(f.type, values, currencies);
        const listed = expectedAt(f.name, row).filter((e) => FIELD_CODES.has(e.code));
        if (problem) {
          expect(
            listed.map((e) => [e.code, e.column]),
            `${f.name}:${row}`,
          ).toEqual([[problem.code, problem.column]]);
        } else {
          expect(listed, `${f.name}:${row} is listed but passes the row rules`).toEqual([]);
        }
      }
    }
  });

  it('produces every stage-area code the brief asks for', () => {
    const codes = Object.keys(summary.expectedCounts).sort();
    expect(codes).toEqual([
      'BAD_DATE',
      'BAD_DOCUMENT_TYPE',
      'BAD_NUMBER',
      'BAD_OVERRIDE',
      'BAD_SERVICE_PERIOD',
      'CMC_PARTIAL',
      'CM_EXCEEDS_BILLED',
      'EXCLUDED',
      'FUTURE_PERIOD',
      'FX_PENDING',
      'IVC_PARTIAL',
      'MISSING_FIELD',
      'MISSING_SSP',
      'NO_CONTRACT_LINE',
      'UNKNOWN_CURRENCY',
      'UNKNOWN_LINE',
      'UNKNOWN_REFERENCE',
    ]);
    expect(summary.omitted).toEqual([]);
    expect(summary.expectedTruncated).toBe(false);
    for (const e of summary.expected) {
      const rec = records.get(e.file)?.find((r) => r.row === e.row);
      expect(rec, `${e.file}:${e.row}`).toBeDefined();
      const keyText = RECORD_TYPES[e.type].key.map((k) => rec?.values[k] ?? '').join('|');
      // An invoice-as-contract's missing contract rate is listed a second time under its line's item id.
      const lineKey = rec?.values.Sales_Order_Item_Id || rec?.values.Invoice_Number;
      expect(
        [keyText, ...(e.code === 'FX_PENDING' && e.type === 'invoices' ? [lineKey] : [])],
        `${e.file}:${e.row}`,
      ).toContain(e.key);
      expect(typeOf(e.file)).toBe(e.type);
    }
  });

  it('makes the document errors true of the data', () => {
    const orders = all('orders');
    const items = new Set(orders.map((o) => o.Sales_Order_Item_Id));
    const invoices = all('invoices');
    const byNumber = (n: string, item: string) =>
      invoices.find((d) => d.Invoice_Number === n && d.Sales_Order_Item_Id === item);
    const cents = (s: string) => BigInt(s.replace('.', ''));
    for (const e of summary.expected.filter((x) => x.type === 'invoices' || x.type === 'commissions')) {
      const v = records.get(e.file)?.find((r) => r.row === e.row)?.values as Record<string, string>;
      switch (e.code) {
        case 'UNKNOWN_LINE':
          expect(items.has(v.Sales_Order_Item_Id)).toBe(false);
          expect(orders.some((o) => o.Sales_Order_Id === v.Sales_Order_Id)).toBe(true);
          break;
        case 'UNKNOWN_REFERENCE':
          expect(invoices.some((d) => d.Invoice_Number === v.Reference_Document)).toBe(false);
          break;
        case 'NO_CONTRACT_LINE':
          expect([v.Document_Type, v.Sales_Order_Id, v.Service_Start_Date, v.Service_End_Date]).toEqual([
            'INV',
            '',
            '',
            '',
          ]);
          break;
        case 'IVC_PARTIAL': {
          const inv = byNumber(v.Reference_Document as string, v.Sales_Order_Item_Id as string);
          expect(inv?.Document_Type).toBe('INV');
          expect(cents(v.Billing_Amount as string)).toBeLessThan(cents(inv?.Billing_Amount as string));
          break;
        }
        case 'CMC_PARTIAL': {
          const cm = byNumber(v.Reference_Document as string, v.Sales_Order_Item_Id as string);
          expect(cm?.Document_Type).toBe('CM');
          expect(cents(v.Billing_Amount as string)).toBeLessThan(cents(cm?.Billing_Amount as string));
          break;
        }
        case 'CM_EXCEEDS_BILLED': {
          const billed = invoices
            .filter(
              (d) =>
                d.Sales_Order_Item_Id === v.Sales_Order_Item_Id &&
                d.Document_Type === 'INV' &&
                (d.Billing_Date as string) <= (v.Billing_Date as string),
            )
            .reduce((s, d) => s + cents(d.Billing_Amount as string), 0n);
          expect(cents(v.Billing_Amount as string)).toBeGreaterThan(billed);
          break;
        }
        default:
          break;
      }
    }
    // Every good cancellation cancels in full; every good document names a real line.
    const listed = new Set(summary.expected.filter((e) => e.type === 'invoices').map((e) => `${e.file}:${e.row}`));
    for (const { row, values: v } of records.get('invoices.csv') ?? []) {
      if (listed.has(`invoices.csv:${row}`)) continue;
      if (v.Sales_Order_Id) expect(items.has(v.Sales_Order_Item_Id), `invoices.csv:${row}`).toBe(true);
      if (v.Document_Type === 'IVC' || v.Document_Type === 'CMC') {
        const target = byNumber(v.Reference_Document as string, v.Sales_Order_Item_Id as string);
        expect(target?.Document_Type).toBe(v.Document_Type === 'IVC' ? 'INV' : 'CM');
        expect(target?.Billing_Amount).toBe(v.Billing_Amount);
      }
    }
    const types = new Set(invoices.map((d) => d.Document_Type));
    for (const t of ['INV', 'IVC', 'CM', 'CMC']) expect(types.has(t)).toBe(true);
    const invoiceContracts = invoices.filter(
      (d) => d.Document_Type === 'INV' && !d.Sales_Order_Id && d.Service_Start_Date && d.Service_End_Date,
    );
    expect(invoiceContracts.length).toBeGreaterThanOrEqual(3);
    expect(invoiceContracts.some((d) => d.Sales_Order_Item_Id === '')).toBe(true);
  });

  it('makes the order-level cases true of the data', () => {
    const orders = all('orders');
    for (const e of summary.expected.filter((x) => x.type === 'orders')) {
      const v = records.get(e.file)?.find((r) => r.row === e.row)?.values as Record<string, string>;
      if (e.code === 'MISSING_SSP') {
        const lines = orders.filter((o) => o.Sales_Order_Id === v.Sales_Order_Id);
        expect(lines.length).toBeGreaterThanOrEqual(2);
        expect(lines.some((l) => l.Product_Id === 'P-131' && l.Currency === 'JPY' && l.SSP === '')).toBe(true);
      }
      if (e.code === 'FUTURE_PERIOD') expect((v.Order_Date as string) > summary.window.lastDate).toBe(true);
      if (e.code === 'EXCLUDED') expect(summary.exclusions).toContain(v.Sales_Order_Id);
    }
    const zeroSsp = orders.find((o) => o.Product_Id === 'P-131' && o.Currency === 'JPY' && o.SSP === '0');
    expect(zeroSsp, 'a JPY P-131 line saved from MISSING_SSP by an explicit SSP of 0').toBeDefined();
    expect(summary.expected.some((e) => e.key === zeroSsp?.Sales_Order_Item_Id)).toBe(false);
    expect(orders.filter((o) => o.SSP !== '').length).toBeGreaterThan(3);
    expect(orders.filter((o) => o.Reference_Invoice_Number !== '').length).toBeGreaterThan(0);
    expect(orders.some((o) => (o.Service_Start_Date as string) > (o.Order_Date as string))).toBe(true);
    expect(orders.some((o) => o.Sale_Price === '0.00' || o.Sale_Price === '0')).toBe(true);
    // A re-delivered correction of the bad date, same key, later file.
    const corrected = summary.expected.filter((e) => e.correctedBy);
    expect(corrected).toHaveLength(1);
    const fix = corrected[0]?.correctedBy;
    const fixed = records.get(fix?.file as string)?.find((r) => r.row === fix?.row)?.values;
    expect(fixed?.Sales_Order_Item_Id).toBe(corrected[0]?.key);
    expect(isRealDate(fixed?.Order_Date as string)).toBe(true);
  });

  it('lists excluded rows for the excluded order and invoice', () => {
    expect(summary.exclusions).toHaveLength(2);
    expect(all('exclusions').map((r) => r.Transaction_ID)).toEqual(summary.exclusions);
    const [orderId, invoice] = summary.exclusions as [string, string];
    const excluded = summary.expected.filter((e) => e.code === 'EXCLUDED');
    expect(excluded.some((e) => e.type === 'orders' && e.key.startsWith(orderId))).toBe(true);
    expect(excluded.some((e) => e.type === 'invoices' && e.key.startsWith(`${invoice}|`))).toBe(true);
    for (const r of all('invoices').filter((d) => d.Sales_Order_Id === orderId)) {
      expect(excluded.some((e) => e.key === `${r.Invoice_Number}|${r.Sales_Order_Item_Id}`)).toBe(true);
    }
    for (const r of all('commissions').filter((c) => c.Sales_Order_Id === orderId))
      expect(excluded.some((e) => e.key === r.Commission_Id)).toBe(true);
  });
});

describe('FX rates', () => {
  it('are business-day rates with a gap longer than the age limit that makes a few records pending', () => {
    const rates = all('fx_rates').filter(
      (r) =>
        /^\d+\.\d+$/.test(r.Rate as string) &&
        isRealDate(r.Rate_Date as string) &&
        currencies.has(r.From_Currency as string),
    );
    for (const r of rates) expect([0, 6]).not.toContain(new Date(`${r.Rate_Date}T00:00:00Z`).getUTCDay());
    const gap = summary.fx.gapCurrency as string;
    expect(gap).toBe('GBP');
    const gapDays = rates
      .filter((r) => r.From_Currency === gap)
      .map((r) => Date.parse(`${r.Rate_Date}T00:00:00Z`) / 86_400_000);
    const longest = Math.max(...gapDays.slice(1).map((d, i) => d - (gapDays[i] as number)));
    expect(longest).toBeGreaterThan(3);
    const pending = summary.expected.filter((e) => e.code === 'FX_PENDING');
    expect(pending.length).toBeGreaterThanOrEqual(3);
    expect(pending.some((e) => e.type === 'orders')).toBe(true);
    // Each pending record really has no rate of its currency within 3 days before its date.
    for (const e of pending) {
      const v = records.get(e.file)?.find((r) => r.row === e.row)?.values as Record<string, string>;
      const date = v.Order_Date || v.Billing_Date || v.Commission_Date || v.Booked_Date;
      const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
      expect(v.Currency).toBe(gap);
      expect(gapDays.some((d) => d <= day && day - d <= 3)).toBe(false);
    }
    expect(summary.fx.inverseRows.map((r) => r.directRowSameDay)).toEqual([true, false]);
    expect(rates.some((r) => r.From_Currency === 'USD' && r.To_Currency === 'JPY')).toBe(true);
  });
});

describe('general import', () => {
  it('has external lines, an override and a split summing exactly to the relative-SSP allocation', () => {
    const rows = all('general_import');
    const items = new Map(all('orders').map((o) => [o.Sales_Order_Item_Id as string, o]));
    expect(
      rows.filter((r) => r.Source === 'App Store' && r.Transaction_ID && r.Recognition_End_Date).length,
    ).toBeGreaterThanOrEqual(3);
    expect(rows.some((r) => r.Currency === r.Currency?.toLowerCase() && r.Currency !== '')).toBe(true);
    const overrides = rows.filter((r) => items.has(r.Transaction_ID as string) && r.Split_Transaction_ID === '');
    expect(overrides.some((r) => r.Recognition_Start_Date && r.Recognition_End_Date)).toBe(true);
    const products = readCsv(join(import.meta.dirname, '../../../seeds/products.csv')).rows;
    for (const check of summary.splits) {
      const line = items.get(check.transactionId) as Record<string, string>;
      const lines = all('orders').filter((o) => o.Sales_Order_Id === line.Sales_Order_Id);
      const minor = (s: string) => BigInt(s.replace('.', ''));
      const ssp = (o: Record<string, string>): bigint => {
        if (o.SSP !== '') return minor(o.SSP as string);
        const candidates = products.filter(
          (p) => p[0] === o.Product_Id && p[5] === o.Currency && (p[6] as string) <= (o.Order_Date as string),
        );
        candidates.sort((a, b) => ((a[6] as string) < (b[6] as string) ? -1 : 1));
        return minor(candidates[candidates.length - 1]?.[4] as string);
      };
      const bookings = lines.map((o) => BigInt(o.Quantity as string) * minor(o.Sale_Price as string));
      const e = lines.map((o) => BigInt(o.Quantity as string) * ssp(o));
      const tp = bookings.reduce((s, b) => s + b, 0n);
      const sumE = e.reduce((s, x) => s + x, 0n);
      const shares = e.map((x, i) => ({
        i,
        key: lines[i]?.Sales_Order_Item_Id as string,
        q: (tp * x) / sumE,
        r: (tp * x) % sumE,
      }));
      let left = tp - shares.reduce((s, x) => s + x.q, 0n);
      const alloc = shares.map((s) => s.q);
      for (const s of [...shares].sort((a, b) => (a.r === b.r ? (a.key < b.key ? -1 : 1) : a.r > b.r ? -1 : 1))) {
        if (left === 0n) break;
        alloc[s.i] = (alloc[s.i] as bigint) + 1n;
        left--;
      }
      const allocated = alloc[lines.findIndex((o) => o.Sales_Order_Item_Id === check.transactionId)] as bigint;
      expect(minor(check.allocated)).toBe(allocated);
      expect(allocated).not.toBe(bookings[0]); // the discount moved money between lines
      const parts = rows.filter((r) => r.Transaction_ID === check.transactionId && r.Split_Transaction_ID !== '');
      expect(parts.map((p) => p.Split_Transaction_ID)).toEqual(check.parts.map((p) => p.splitId));
      const sum = parts.reduce((s, p) => s + minor(p.Amount as string), 0n);
      expect(sum === allocated).toBe(check.valid);
    }
    expect(summary.splits.map((s) => s.valid)).toEqual([true, false]);
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same options and different ones for another seed', async () => {
    const again = scratchDir('demo-again');
    await generateCompany({ outDir: again, seed: 42 });
    expect(hashFolder(again)).toEqual(hashFolder(dir));
    const other = scratchDir('demo-other');
    await generateCompany({ outDir: other, seed: 43 });
    expect(hashFolder(other)['orders.csv']).not.toBe(hashFolder(dir)['orders.csv']);
    expect(hashFolder(other)['fx_rates.csv']).not.toBe(hashFolder(dir)['fx_rates.csv']);
  });

  it('splits into monthly deliveries holding exactly the same rows', async () => {
    const monthly = scratchDir('demo-monthly');
    const m = await generateCompany({ outDir: monthly, seed: 42, deliveries: 'monthly' });
    const names = readdirSync(monthly).filter((n) => n.endsWith('.csv'));
    expect(names).toContain('orders_2024-01.csv');
    expect(names).toContain('invoices_2025-12.csv');
    expect(names).toContain('orders_2025-12_redelivery.csv');
    for (const type of ['orders', 'invoices', 'commissions', 'fx_rates', 'general_import', 'exclusions'] as const) {
      const rowsOf = (files: { name: string; type: string }[], folder: string) =>
        files
          .filter((f) => f.type === type && !f.name.includes('redelivery'))
          .flatMap((f) => readCsv(join(folder, f.name)).rows.map((r) => r.join(',')))
          .sort();
      expect(rowsOf(m.files, monthly), type).toEqual(rowsOf(summary.files, dir));
    }
    expect(m.expected.length).toBe(summary.expected.length);
    for (const e of m.expected) expect(existsSync(join(monthly, e.file))).toBe(true);
    // Landing order: months ascend, re-delivery last.
    expect(m.files[m.files.length - 1]?.name).toBe('orders_2025-12_redelivery.csv');
  });
});
