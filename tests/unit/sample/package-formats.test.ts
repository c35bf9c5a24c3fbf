import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import * as yauzl from 'yauzl';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { generateCompany } from '../../../src/sample/company-generator.js';
import { hashFolder, readCsv, removeScratchDirs, scratchDir } from './sample-test-helpers.js';

afterAll(removeScratchDirs);

async function unzip(path: string): Promise<Map<string, Buffer>> {
  const archive = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  const entries = new Map<string, Buffer>();
  try {
    await new Promise<void>((resolve, reject) => {
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStreamPromise(entry).then(async (stream) => {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          entries.set(entry.fileName, Buffer.concat(chunks));
          archive.readEntry();
        }, reject);
      });
      archive.once('end', resolve);
      archive.once('error', reject);
      archive.readEntry();
    });
  } finally {
    archive.close();
  }
  return entries;
}

describe('format zip', () => {
  it('bundles exactly the CSVs of a csv run, deterministically, with the re-delivery in a second archive', async () => {
    const csvDir = scratchDir('fmt-csv');
    const csv = await generateCompany({ outDir: csvDir, seed: 5, contracts: 80 });
    const zipDir = scratchDir('fmt-zip');
    const zip = await generateCompany({ outDir: zipDir, seed: 5, contracts: 80, format: 'zip' });
    const entries = await unzip(join(zipDir, 'sample.zip'));
    const main = csv.files.filter((f) => !f.name.includes('redelivery'));
    expect([...entries.keys()]).toEqual(main.map((f) => f.name));
    for (const f of main) expect(entries.get(f.name)?.equals(readFileSync(join(csvDir, f.name))), f.name).toBe(true);
    const redelivery = await unzip(join(zipDir, 'sample_redelivery.zip'));
    expect([...redelivery.keys()]).toEqual(['orders_redelivery.csv']);
    expect(zip.files.map((f) => f.name)).toEqual(
      csv.files.map((f) =>
        f.name.includes('redelivery') ? `sample_redelivery.zip!${f.name}` : `sample.zip!${f.name}`,
      ),
    );
    expect(zip.expected.map((e) => e.file.split('!')[1])).toEqual(csv.expected.map((e) => e.file));
    expect(zip.expected.every((e) => e.file.startsWith('sample'))).toBe(true);
    const again = scratchDir('fmt-zip-again');
    await generateCompany({ outDir: again, seed: 5, contracts: 80, format: 'zip' });
    expect(hashFolder(again)).toEqual(hashFolder(zipDir));
  });
});

describe('format xlsx', () => {
  it('writes one tab per type with real date cells, the same rows as the CSVs, deterministically', async () => {
    const csvDir = scratchDir('fmt-csv-x');
    const csv = await generateCompany({ outDir: csvDir, seed: 9, contracts: 60 });
    const xlsxDir = scratchDir('fmt-xlsx');
    const xlsx = await generateCompany({ outDir: xlsxDir, seed: 9, contracts: 60, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(xlsxDir, 'sample.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'fx_rates',
      'orders',
      'invoices',
      'commissions',
      'general_import',
      'exclusions',
    ]);
    for (const sheet of workbook.worksheets) {
      const rows = readCsv(join(csvDir, `${sheet.name}.csv`)).rows;
      expect(sheet.actualRowCount, sheet.name).toBe(rows.length + 1);
    }
    const orders = workbook.getWorksheet('orders') as ExcelJS.Worksheet;
    const header = (orders.getRow(1).values as unknown[]).slice(1);
    const dateCol = header.indexOf('Order_Date') + 1;
    const first = orders.getRow(2);
    expect(first.getCell(dateCol).value).toBeInstanceOf(Date);
    expect((first.getCell(dateCol).value as Date).toISOString().slice(0, 10)).toBe(
      readCsv(join(csvDir, 'orders.csv')).rows[0]?.[4],
    );
    // The deliberately impossible date stays text, exactly as written.
    const badDate = xlsx.expected.find((e) => e.type === 'orders' && e.code === 'BAD_DATE');
    expect(badDate?.file).toBe('sample.xlsx');
    expect(badDate?.sheet).toBe('orders');
    expect(orders.getRow(badDate?.row as number).getCell(dateCol).value).toMatch(/^\d{4}-02-30$/);
    // Amounts: number cells carrying the same value as the CSV text.
    const priceCol = header.indexOf('Sale_Price') + 1;
    const csvPrice = readCsv(join(csvDir, 'orders.csv')).rows[0]?.[7] as string;
    expect(String(first.getCell(priceCol).value)).toBe(String(Number(csvPrice)));
    expect(xlsx.files.find((f) => f.type === 'orders' && f.name === 'sample_redelivery.xlsx')?.sheet).toBe('orders');
    expect(csv.expected.length).toBe(xlsx.expected.length);
    const again = scratchDir('fmt-xlsx-again');
    await generateCompany({ outDir: again, seed: 9, contracts: 60, format: 'xlsx' });
    expect(hashFolder(again)).toEqual(hashFolder(xlsxDir));
  });
});

describe('options', () => {
  it('rejects bad options with one ConfigError naming every problem', async () => {
    const outDir = scratchDir('fmt-bad');
    await expect(
      generateCompany({ outDir, contracts: 0, firstPeriod: '2024-01', homeCurrency: 'CHF' }),
    ).rejects.toThrow(ConfigError);
    await expect(
      generateCompany({ outDir, contracts: 0, firstPeriod: '2024-01', homeCurrency: 'CHF' }),
    ).rejects.toThrow(/contracts.*firstPeriod.*homeCurrency/);
    await expect(generateCompany({ outDir, format: 'xlsx', deliveries: 'monthly' })).rejects.toThrow(/monthly/);
    await expect(generateCompany({ outDir, format: 'xlsx', orderLines: 1_000_000 })).rejects.toThrow(/small workbooks/);
  });

  it('honours orderLines exactly, another home currency, and no bad rows', async () => {
    const outDir = scratchDir('fmt-lines');
    const s = await generateCompany({
      outDir,
      orderLines: 1234,
      homeCurrency: 'eur',
      badRows: false,
      firstPeriod: '202507',
      months: 6,
    });
    expect(s.counts.orders).toBe(1234);
    expect(s.files.map((f) => f.name)).not.toContain('orders_redelivery.csv');
    expect(Object.keys(s.expectedCounts)).toEqual(['EXCLUDED']);
    expect(s.fx.gapCurrency).toBeNull();
    expect(s.fx.pairs).toEqual(['USD->EUR', 'GBP->EUR', 'JPY->EUR', 'EUR->JPY (inverse)']);
    expect(s.window).toEqual({
      firstDate: '2025-07-01',
      lastDate: '2025-12-31',
      firstPeriod: '202507',
      lastPeriod: '202512',
    });
    const rates = readCsv(join(outDir, 'fx_rates.csv')).rows;
    expect(rates.every((r) => r[1] === 'EUR' || (r[0] === 'EUR' && r[1] === 'JPY'))).toBe(true);
    expect(rates.every((r) => (r[2] as string) <= '2025-12-31')).toBe(true);
  });
});
