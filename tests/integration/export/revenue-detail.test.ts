import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { beforeEach, describe, expect, it } from 'vitest';
import { revenueDetailQuery } from '../../../src/export/revenue-detail/revenue-detail-query.js';
import { writeRevenueDetail } from '../../../src/export/revenue-detail/revenue-detail-report.js';
import { expectGolden, readCsv, useFixtureProject } from './export-test-kit.js';
import type { ExportProject } from './export-test-kit.js';

/** The raw `<v>` text of every numeric cell of sheet 1, by address (what Excel stores, before any double). */
async function rawNumericCells(path: string): Promise<Map<string, string>> {
  const xml = await new Promise<string>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'xl/worksheets/sheet1.xml') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.on('end', () => reject(new Error('no sheet1.xml')));
      zip.readEntry();
    });
  });
  const cells = new Map<string, string>();
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"(?: s="\d+")?><v>([^<]*)<\/v><\/c>/g)) cells.set(m[1]!, m[2]!);
  return cells;
}

function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** txn × num/den − home, at 12 decimals of the home unit, rounded half away from zero: the rule, in bigint. */
function expectedRounding(txnMinor: bigint, homeMinor: bigint, num: bigint, den: bigint, homeMu: number): string {
  const k = 10n ** BigInt(12 - homeMu);
  const product = txnMinor * num * k; // in 10^-12 home units × den
  const abs = product < 0n ? -product : product;
  const rounded = ((abs * 2n + den) / (2n * den)) * (product < 0n ? -1n : 1n);
  const diff = rounded - homeMinor * k;
  const neg = diff < 0n;
  const digits = (neg ? -diff : diff).toString().padStart(13, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -12)}.${digits.slice(-12)}`;
}

describe('revenue detail report (seed 003)', () => {
  const project = useFixtureProject({ build: true });
  let p: ExportProject;
  beforeEach(() => {
    p = project();
  });

  it('writes one row per contract line as CSV with DuckDB, matching the golden file', async () => {
    const out = join(p.dir, 'reports', 'revenue-detail-202401.csv');
    const outcome = await writeRevenueDetail(p.wh, { period: 202401, format: 'csv', outPath: out, generatedAt: p.now, generatedBy: 'tester' });
    expect(outcome.rows).toBe(8);
    expect(outcome.laterPeriods[0]).toBe(202402);
    await expectGolden(await readFile(out, 'utf8'), 'revenue-detail/revenue-detail-202401.csv');
    const { columns, rows } = await readCsv(out);
    const col = (name: string) => columns.indexOf(name);
    // Prior + in + after = all, per line, in transaction and home currency.
    for (const row of rows) {
      for (const suffix of ['', ' (Home Currency)']) {
        const value = (label: string) => Number(row[col(`${label}${suffix}`)]!.replace('.', ''));
        expect(value('Recognized prior to this Accounting Period') + value('Recognized in this Accounting Period') + value('Recognized after this Accounting Period')).toBe(
          value('Recognized in All Accounting Periods'),
        );
      }
    }
  });

  it('computes every rounding column exactly as txn × rate − round(txn × rate), 12 decimals', async () => {
    const out = join(p.dir, 'reports', 'rd.csv');
    await writeRevenueDetail(p.wh, { period: 202401, format: 'csv', outPath: out, generatedAt: p.now, generatedBy: 'tester' });
    const { columns, rows } = await readCsv(out);
    const lines = await p.wh.rows<{ sales_order_item_id: string; rate_num: string | null; rate_den: string | null; minor_unit: number; home_minor_unit: number }>(
      'SELECT sales_order_item_id, rate_num, rate_den, minor_unit, home_minor_unit FROM exports.exp_revenue_detail_lines',
    );
    const minor = (text: string, mu: number) => BigInt(text.replace('.', '')) * 10n ** BigInt(mu - (text.split('.')[1]?.length ?? 0));
    let checked = 0;
    for (const row of rows) {
      const line = lines.find((l) => l.sales_order_item_id === row[columns.indexOf('Transaction ID')])!;
      if (line.rate_num === null) continue;
      for (const label of ['Transaction Impact Amount', 'Revenue Schedule Amount', 'Recognized in this Accounting Period', 'Recognized after this Accounting Period']) {
        const txnName = label.startsWith('Recognized') ? label : `${label} (Transaction Currency)`;
        const txn = minor(row[columns.indexOf(txnName)]!, Number(line.minor_unit));
        const home = minor(row[columns.indexOf(`${label} (Home Currency)`)]!, Number(line.home_minor_unit));
        expect(row[columns.indexOf(`${label} Currency Rounding`)], `${line.sales_order_item_id} ${label}`).toBe(
          expectedRounding(txn, home, BigInt(line.rate_num), BigInt(line.rate_den!), Number(line.home_minor_unit)),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // The JPY line converts at the inverse of USD→JPY 145: 1/145 to 12 decimals.
    const jpy = rows.find((r) => r[columns.indexOf('Customer Account Currency')] === 'JPY')!;
    expect(jpy[columns.indexOf('Exchange Rate')]).toBe('0.006896551724');
  });

  it('writes XLSX with the report header block, the same columns, and exact numeric cells', async () => {
    const csvPath = join(p.dir, 'reports', 'same.csv');
    const xlsxPath = join(p.dir, 'reports', 'revenue-detail-202401.xlsx');
    await writeRevenueDetail(p.wh, { period: 202401, format: 'csv', outPath: csvPath, generatedAt: p.now, generatedBy: 'tester' });
    const outcome = await writeRevenueDetail(p.wh, { period: 202401, format: 'xlsx', outPath: xlsxPath, generatedAt: p.now, generatedBy: 'tester' });
    expect(outcome.rows).toBe(8);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    const sheet = workbook.worksheets[0]!;
    const header = [1, 2, 3, 4, 5, 6].map((r) => [sheet.getRow(r).getCell(1).text, sheet.getRow(r).getCell(2).text]);
    expect(header).toEqual([
      ['Accounting Period Name', '202401'],
      ['Period', '2024-01-01 to 2024-01-31'],
      ['Home Currency', 'USD'],
      ['Deferred Revenue Account', '2400'],
      ['Deferred Revenue Account Type', 'Deferred Revenue'],
      ['Report Generated', '2024-02-01T09:00:00Z by tester'],
    ]);
    const csv = await readCsv(csvPath);
    const titles = (sheet.getRow(8).values as unknown[]).slice(1);
    expect(titles).toEqual(csv.columns);
    // Every amount cell holds exactly the CSV's decimal text; dates are real dates.
    const raw = await rawNumericCells(xlsxPath);
    const kinds = revenueDetailQuery(202401, outcome.laterPeriods, { rowDecimals: false }).columns.map((c) => c.kind);
    const amountColumns = csv.columns.map((c, i) => [c, i] as const).filter(([, i]) => kinds[i] !== 'text' && kinds[i] !== 'date');
    let compared = 0;
    csv.rows.forEach((row, r) => {
      for (const [name, i] of amountColumns) {
        if (row[i] === '') continue;
        expect(raw.get(`${columnLetter(i)}${r + 9}`), `${name} row ${r + 1}`).toBe(row[i]);
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(200);
    const dateCell = sheet.getRow(9).getCell(csv.columns.indexOf('Transaction Date') + 1);
    expect(dateCell.value).toBeInstanceOf(Date);
    expect((dateCell.value as Date).toISOString().slice(0, 10)).toBe(csv.rows[0]![csv.columns.indexOf('Transaction Date')]);
  });
});
