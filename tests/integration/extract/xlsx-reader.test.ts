import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import yazl from 'yazl';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareFile } from '../../../src/extract/formats/index.js';
import { generateCompany } from '../../../src/sample/index.js';
import { ExtractKit } from './extract-test-kit.js';
import { buildXlsx, cell, row, xlsxParts } from './xlsx-package-builder.js';
import { buildZip } from '../../fixtures/inputs/zip-builder.js';

let kit: ExtractKit;
beforeEach(async () => {
  kit = await ExtractKit.create();
});
afterEach(async () => {
  await kit.close();
});

const EXCLUSIONS_HEADER = row(1, cell.str('A1', 'Transaction_ID'), cell.str('B1', 'Note'));

describe('the XLSX reader: part order, strings, dates', () => {
  let sampleDir: string;
  let sample: Buffer;
  let sampleRows: Map<string, number>;
  beforeAll(async () => {
    sampleDir = await mkdtemp(join(tmpdir(), 'revrec-xlsx-sample-'));
    const summary = await generateCompany({ outDir: sampleDir, contracts: 4, months: 3, badRows: false, format: 'xlsx', writeSummary: false });
    const name = summary.files[0]!.name;
    sample = await readFile(join(sampleDir, name));
    sampleRows = new Map(summary.files.map((f) => [f.type, f.rows]));
  });
  afterAll(async () => {
    await rm(sampleDir, { recursive: true, force: true });
  });

  it('reads the sample generator workbook (sheet parts before xl/workbook.xml) completely, 50 times out of 50', async () => {
    // The layout that exceljs's streaming reader lost parts of: sheets first, the workbook part last.
    expect(sample.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(sample.indexOf('xl/workbook.xml'));
    const path = await kit.file('sample.xlsx', sample);
    const outcomes = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const prepared = await prepareFile(path, 'sample.xlsx', { tempDir: kit.tempDir });
      if (!prepared.ok) {
        outcomes.add(`${prepared.code}: ${prepared.message}`);
        continue;
      }
      try {
        const parts = await Promise.all(
          prepared.parts.map(async (p) => {
            const csv = await readFile(p.csvPath);
            return `${p.entryName}:${p.type}:${csv.toString().split('\n').length - 2}:${createHash('sha256').update(csv).digest('hex')}`;
          }),
        );
        outcomes.add(JSON.stringify({ parts, ignored: prepared.ignored }));
      } finally {
        await prepared.dispose();
      }
    }
    expect(outcomes.size).toBe(1); // every read succeeded and gave the same bytes
    const [only] = [...outcomes];
    const { parts } = JSON.parse(only!) as { parts: string[] };
    expect(parts.map((p) => p.split(':').slice(0, 3).join(':'))).toEqual([...sampleRows].map(([type, rows]) => `${type}:${type}:${rows}`));
    const { result } = await kit.land('sample.xlsx', sample);
    expect(result.rowsByType).toEqual(Object.fromEntries(sampleRows));
    expect(result.rejectedRows).toBe(0);
  });

  it('reads the same workbook alike whichever part comes first, and a SpreadsheetML prefix', async () => {
    const sheets = [{ name: 'exclusions', rows: EXCLUSIONS_HEADER + row(2, cell.str('A2', 'T-1'), cell.n('B2', 45352, 1)) }];
    const spec = { sheets, cellFormats: [0, 14] };
    const prefixed = xlsxParts(spec).map((p) =>
      p.name === 'xl/worksheets/sheet1.xml'
        ? { ...p, data: `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>${String(sheets[0]!.rows).replace(/<(\/?)(row|c|v)\b/g, '<$1x:$2')}</x:sheetData></x:worksheet>` }
        : p,
    );
    const texts: string[] = [];
    for (const bytes of [buildXlsx(spec), buildXlsx({ ...spec, order: 'sheets-first' }), buildZip(prefixed)]) {
      const prepared = await kit.prepare('book.xlsx', bytes);
      if (!prepared.ok) expect.fail(prepared.message);
      texts.push(await readFile(prepared.parts[0]!.csvPath, 'utf8'));
      await prepared.dispose();
    }
    expect(texts).toEqual(Array(3).fill('__row,Transaction_ID,Note\n2,T-1,2024-03-01\n'));
  });

  it('lands shared strings with rich-text runs, inline strings, entities and _xHHHH_ escapes as their text', async () => {
    const bytes = buildXlsx({
      sharedStrings: [
        '<t>Transaction_ID</t>',
        '<t>Note</t>',
        '<r><t>T-</t></r><r><rPr><b/><sz val="11"/></rPr><t>1</t></r>',
        '<r><t xml:space="preserve">rich </t></r><r><rPr><i/></rPr><t>&amp; bold</t></r><rPh sb="0" eb="1"><t>ルビ</t></rPh><phoneticPr fontId="1"/>',
        '<t>line one_x000D_\nline two</t>',
      ],
      sheets: [
        {
          name: 'Exclusions',
          rows:
            row(1, cell.s('A1', 0), cell.s('B1', 1)) +
            row(2, cell.s('A2', 2), cell.s('B2', 3)) +
            row(3, cell.inline('A3', '<t>T-2</t>'), cell.inline('B3', '<r><t>in</t></r><r><rPr><b/></rPr><t>line &lt;b&gt; "q"</t></r>')) +
            row(4, cell.str('A4', 'T-3'), cell.s('B4', 4)),
        },
      ],
    });
    await kit.land('notes.xlsx', bytes);
    expect(await kit.rows('SELECT "Transaction_ID" t, _extra ->> \'note\' note, _row FROM raw.exclusions ORDER BY _row')).toEqual([
      { t: 'T-1', note: 'rich & bold', _row: '2' },
      { t: 'T-2', note: 'inline <b> "q"', _row: '3' },
      { t: 'T-3', note: 'line one\r\nline two', _row: '4' },
    ]);
  });

  it('reads dates of the 1904 date system (workbookPr date1904) without a shift', async () => {
    const serial1904 = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000 + 25569 - 1462;
    const bytes = buildXlsx({
      date1904: true,
      cellFormats: [0, 14, 164],
      numFmts: { 164: 'dd/mm/yyyy' },
      sheets: [
        {
          name: 'fx_rates',
          rows:
            row(1, cell.str('A1', 'From_Currency'), cell.str('B1', 'To_Currency'), cell.str('C1', 'Rate_Date'), cell.str('D1', 'Rate')) +
            row(2, cell.str('A2', 'EUR'), cell.str('B2', 'USD'), cell.n('C2', serial1904('2024-03-01'), 1), cell.n('D2', 1.08)) +
            row(3, cell.str('A3', 'EUR'), cell.str('B3', 'CHF'), `<c r="C3" s="2"><f>C2+1</f><v>${serial1904('2024-03-02')}</v></c>`, cell.n('D3', 0.95)) +
            row(4, cell.str('A4', 'EUR'), cell.str('B4', 'GBP'), cell.n('C4', 0, 1), cell.n('D4', 0.85)),
        },
      ],
    });
    expect(serial1904('2024-03-01')).toBe(43890);
    await kit.land('rates.xlsx', bytes);
    expect(await kit.rows('SELECT "To_Currency" c, "Rate_Date" d, "Rate" r FROM raw.fx_rates ORDER BY _row')).toEqual([
      { c: 'USD', d: '2024-03-01', r: '1.08' },
      { c: 'CHF', d: '2024-03-02', r: '0.95' },
      { c: 'GBP', d: '1904-01-01', r: '0.85' },
    ]);
  });

  it('tells date cells by their number format: built-in ids and the workbook\'s own format codes', async () => {
    const styles = { general: 0, builtinDate: 1, builtinDateTime: 2, custom: 3, customLocale: 4, days: 5, km: 6, customDateTime: 7, accounting: 8 };
    const bytes = buildXlsx({
      cellFormats: [0, 14, 22, 164, 165, 166, 167, 168, 44],
      numFmts: { 164: 'dd/mm/yyyy', 165: '[$-409]d-mmm-yy;@', 166: '#,##0.00 "days"', 167: '0.0 \\k\\m', 168: 'yyyy-mm-dd hh:mm' },
      sheets: [
        {
          name: 'exclusions',
          rows:
            row(1, cell.str('A1', 'Transaction_ID'), ...Object.keys(styles).map((k, i) => cell.str(`${String.fromCharCode(66 + i)}1`, k))) +
            row(2, cell.str('A2', 'T-1'), ...Object.values(styles).map((s, i) => cell.n(`${String.fromCharCode(66 + i)}2`, 45352.25, s))) +
            row(3, cell.str('A3', 'T-2'), ...Object.values(styles).map((s, i) => cell.n(`${String.fromCharCode(66 + i)}3`, 45352, s))),
        },
      ],
    });
    await kit.land('formats.xlsx', bytes);
    const extras = (await kit.rows('SELECT _extra FROM raw.exclusions ORDER BY _row')).map((r) => JSON.parse(String(r._extra)) as Record<string, string>);
    expect(extras).toEqual([
      {
        general: '45352.25',
        builtindate: '2024-03-01 06:00:00', // a time of day is kept, so validation flags it
        builtindatetime: '2024-03-01 06:00:00',
        custom: '2024-03-01 06:00:00',
        customlocale: '2024-03-01 06:00:00',
        days: '45352.25',
        km: '45352.25',
        customdatetime: '2024-03-01 06:00:00',
        accounting: '45352.25',
      },
      {
        general: '45352',
        builtindate: '2024-03-01',
        builtindatetime: '2024-03-01',
        custom: '2024-03-01',
        customlocale: '2024-03-01',
        days: '45352',
        km: '45352',
        customdatetime: '2024-03-01',
        accounting: '45352',
      },
    ]);
  });

  it('reads parts written in UTF-16 (with a byte-order mark) and refuses bytes that are not UTF-8', async () => {
    const spec = { sheets: [{ name: 'exclusions', rows: EXCLUSIONS_HEADER + row(2, cell.str('A2', 'Zürich €')) }] };
    const utf16 = buildXlsx({
      ...spec,
      edit: (parts) => parts.map((p) => (p.name.endsWith('.xml') && p.name.startsWith('xl/') ? { ...p, data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(String(p.data).replace('UTF-8', 'UTF-16'), 'utf16le')]) } : p)),
    });
    const prepared = await kit.prepare('utf16.xlsx', utf16);
    if (!prepared.ok) expect.fail(prepared.message);
    expect(await readFile(prepared.parts[0]!.csvPath, 'utf8')).toBe('__row,Transaction_ID,Note\n2,Zürich €,\n');
    await prepared.dispose();
    const latin1 = buildXlsx({ ...spec, edit: (parts) => parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { ...p, data: Buffer.from(String(p.data), 'latin1') } : p)) });
    expect(await kit.failure('latin1.xlsx', latin1)).toMatchObject({ code: 'CORRUPT_XLSX', entryName: 'exclusions', message: expect.stringContaining('the part xl/worksheets/sheet1.xml is damaged') });
  });

  it('skips a chart sheet named like a record type, and reports it', async () => {
    const bytes = buildXlsx({
      sheets: [{ name: 'exclusions', rows: EXCLUSIONS_HEADER + row(2, cell.str('A2', 'T-1')) }, { name: 'orders' }],
      edit: (parts) =>
        parts.map((p) => (p.name === 'xl/_rels/workbook.xml.rels' ? { ...p, data: String(p.data).replace('rIdS2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet', 'rIdS2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet') } : p)),
    });
    const { prepared } = await kit.land('book.xlsx', bytes);
    expect(prepared.ignored).toEqual([{ name: 'orders', reason: 'the tab is a chart sheet, not a worksheet of rows' }]);
  });
});

describe('the XLSX reader fails loudly, never with a shorter file', () => {
  const rows = EXCLUSIONS_HEADER + Array.from({ length: 200 }, (_, i) => row(i + 2, cell.str(`A${i + 2}`, `T-${i}`), cell.n(`B${i + 2}`, i))).join('');
  const sheetXml = String(xlsxParts({ sheets: [{ name: 'exclusions', rows }] }).find((p) => p.name === 'xl/worksheets/sheet1.xml')!.data);

  it('a sheet part cut anywhere (a consistent ZIP around a truncated XML) is CORRUPT_XLSX naming the tab', async () => {
    for (const fraction of [0.05, 0.3, 0.5, 0.77, 0.999]) {
      const cut = sheetXml.slice(0, Math.floor(sheetXml.length * fraction));
      const bytes = buildXlsx({ sheets: [{ name: 'readme' }, { name: 'exclusions', part: cut }], order: 'sheets-first' });
      const failure = await kit.failure('cut.xlsx', bytes);
      expect(failure, `cut at ${fraction}`).toMatchObject({ code: 'CORRUPT_XLSX', entryName: 'exclusions' });
      expect(failure.message, `cut at ${fraction}`).toMatch(/^cut\.xlsx, tab "exclusions": not a readable \.xlsx workbook \(the part xl\/worksheets\/sheet2\.xml: the XML ends inside .*truncated/);
    }
  });

  it('a sheet part whose deflate data is damaged, or whose CRC does not match, is CORRUPT_XLSX naming the tab', async () => {
    const damaged = (edit: (p: { name: string; data?: unknown }) => object) =>
      buildXlsx({ sheets: [{ name: 'exclusions', rows }], edit: (parts) => parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { ...p, ...edit(p) } : p)) });
    const deflated = (await import('node:zlib')).deflateRawSync(Buffer.from(sheetXml));
    const cases = [
      ['truncated deflate stream', damaged(() => ({ compressed: deflated.subarray(0, deflated.length >> 1) })), /the part xl\/worksheets\/sheet1\.xml is damaged/],
      ['bad CRC', damaged(() => ({ crc: 12345 })), /fails its CRC-32 check/],
      ['declares fewer bytes than it inflates to', damaged(() => ({ uncompressedSize: 100 })), /inflates to more than the 100 bytes its header declares \(damaged or crafted\)/],
      ['declares more bytes than it inflates to', damaged(() => ({ uncompressedSize: sheetXml.length + 10 })), /inflates to \d+ bytes, not the \d+ its header declares/],
    ] as const;
    for (const [label, bytes, message] of cases) {
      const failure = await kit.failure('bad.xlsx', bytes);
      expect(failure, label).toMatchObject({ code: 'CORRUPT_XLSX', entryName: 'exclusions' });
      expect(failure.message, label).toMatch(message);
    }
  });

  it('a missing sheet part, relationships part or shared-string entry is CORRUPT_XLSX', async () => {
    const without = (name: string) => buildXlsx({ sheets: [{ name: 'exclusions', rows }], edit: (parts) => parts.filter((p) => p.name !== name) });
    const missingSheet = await kit.failure('a.xlsx', without('xl/worksheets/sheet1.xml'));
    expect(missingSheet).toMatchObject({ code: 'CORRUPT_XLSX', entryName: 'exclusions', message: expect.stringContaining('its sheet part xl/worksheets/sheet1.xml is missing') });
    const missingRels = await kit.failure('b.xlsx', without('xl/_rels/workbook.xml.rels'));
    expect(missingRels).toMatchObject({ code: 'CORRUPT_XLSX', message: expect.stringContaining('relationships part xl/_rels/workbook.xml.rels is missing') });
    const badIndex = buildXlsx({ sharedStrings: ['<t>Transaction_ID</t>'], sheets: [{ name: 'exclusions', rows: row(1, cell.s('A1', 0)) + row(2, cell.s('A2', 7)) }] });
    expect(await kit.failure('c.xlsx', badIndex)).toMatchObject({ code: 'CORRUPT_XLSX', entryName: 'exclusions', message: expect.stringContaining('cell A2 refers to shared string "7", but the table has 1') });
    const cutStrings = buildXlsx({
      sharedStrings: ['<t>Transaction_ID</t>', '<t>T-1</t>'],
      sheets: [{ name: 'exclusions', rows: row(1, cell.s('A1', 0)) + row(2, cell.s('A2', 1)) }],
      edit: (parts) => parts.map((p) => (p.name === 'xl/sharedStrings.xml' ? { ...p, data: String(p.data).slice(0, -20) } : p)),
    });
    expect(await kit.failure('d.xlsx', cutStrings)).toMatchObject({ code: 'CORRUPT_XLSX', message: expect.stringContaining('the part xl/sharedStrings.xml: the XML ends inside') });
  });

  it('ZIP_TOO_LARGE, not an out-of-memory crash, when a few bytes of XML repeat a long shared string many times', async () => {
    const long = (await import('node:crypto')).randomBytes(768 * 1024).toString('base64'); // 1 Mi characters, incompressible
    const repeated = '<c t="s"><v>1</v></c>'.repeat(100); // cells without r: one column after the other
    const bytes = buildXlsx({
      sharedStrings: ['<t>Transaction_ID</t>', `<t>${long}</t>`],
      sheets: [{ name: 'exclusions', rows: row(1, cell.s('A1', 0)) + row(2, cell.str('A2', 'T-1'), cell.s('B2', 1)) + row(3, repeated) }],
    });
    const failure = await kit.failure('amplified.xlsx', bytes);
    expect(failure).toMatchObject({ code: 'ZIP_TOO_LARGE', entryName: 'exclusions', message: expect.stringContaining('convert to more than 67108864 characters') });
  });

  it('a symbolic link or a duplicated part inside the package is refused', async () => {
    const parts = xlsxParts({ sheets: [{ name: 'exclusions', rows }] });
    const symlink = buildZip(parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { ...p, unixMode: 0o120777 } : p)));
    expect(await kit.failure('e.xlsx', symlink)).toMatchObject({ code: 'CORRUPT_XLSX', message: expect.stringContaining('is a symbolic link') });
    const twice = buildZip([...parts, { name: 'XL/Worksheets/Sheet1.xml', data: '<worksheet/>' }]);
    expect(await kit.failure('f.xlsx', twice)).toMatchObject({ code: 'CORRUPT_XLSX', message: expect.stringContaining('occurs twice') });
  });
});

describe('the XLSX reader streams', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revrec-xlsx-memory-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('converts 200,000 rows with a live heap that does not grow with the rows', { timeout: 120_000 }, async () => {
    const rows = 200_000;
    const path = join(dir, 'big.xlsx');
    await writeBigWorkbook(path, rows);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let samples = 0;
    // Live heap (after a full collection) every 100 ms while the conversion runs (about 2 s).
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      samples += 1;
    }, 100);
    let prepared: Awaited<ReturnType<typeof prepareFile>>;
    try {
      prepared = await prepareFile(path, 'big.xlsx', { tempDir: dir });
    } finally {
      clearInterval(sampler);
    }
    if (!prepared.ok) expect.fail(prepared.message);
    try {
      const part = prepared.parts[0]!;
      expect(part.bytes).toBeGreaterThan(25 * 1024 ** 2); // the CSV alone is larger than the heap bound below
      const csv = await readFile(part.csvPath, 'utf8');
      const lines = csv.split('\n');
      expect(lines.length).toBe(rows + 2);
      const i = rows - 1;
      const orderDate = new Date(Date.UTC(2024, 0, 1 + (i % 365))).toISOString().slice(0, 10);
      expect(lines[rows]).toBe(`${i + 2},SO-${i},SO-${i}-1,C-${i % 3},P-${i % 50},${orderDate},10,999.25,USD,2024-01-01,2024-12-31,"row ${i}: a longer free-text note, quoted because of its comma"`);
    } finally {
      await prepared.dispose();
    }
    expect(samples).toBeGreaterThan(5);
    // Measured: under 1 MiB. Holding the rows (or the CSV, 28 MB) would show here.
    expect(peak, `live heap grew by ${(peak / 1024 ** 2).toFixed(1)} MiB`).toBeLessThan(16 * 1024 ** 2);
  });
});

/** An orders workbook of `rows` rows (inline strings, shared strings, numbers, dates), streamed to `path` with yazl. */
async function writeBigWorkbook(path: string, rows: number): Promise<void> {
  const parts = xlsxParts({
    sharedStrings: ['<t>C-0</t>', '<t>C-1</t>', '<t>C-2</t>', '<t>USD</t>'],
    cellFormats: [0, 14],
    sheets: [{ name: 'orders', part: '' }],
  }).filter((p) => p.name !== 'xl/worksheets/sheet1.xml');
  const zip = new yazl.ZipFile();
  for (const p of parts) zip.addBuffer(Buffer.from(p.data as string), p.name);
  const header = ['Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency', 'Service_Start_Date', 'Service_End_Date', 'Note'];
  function* sheet(): Generator<string> {
    yield `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${header.map((h) => `<c t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`;
    let batch = '';
    for (let i = 0; i < rows; i += 1) {
      const s = (text: string) => `<c t="inlineStr"><is><t>${text}</t></is></c>`;
      batch +=
        `<row r="${i + 2}">${s(`SO-${i}`)}${s(`SO-${i}-1`)}<c t="s"><v>${i % 3}</v></c>${s(`P-${i % 50}`)}<c s="1"><v>${45292 + (i % 365)}</v></c>` +
        `<c><v>${(i % 10) + 1}</v></c><c><v>${(i % 1000) + 0.25}</v></c><c t="s"><v>3</v></c><c s="1"><v>45292</v></c><c s="1"><v>45657</v></c>` +
        `${s(`row ${i}: a longer free-text note, quoted because of its comma`)}</row>`;
      if (batch.length > 256 * 1024) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}</sheetData></worksheet>`;
  }
  zip.addReadStream(Readable.from(sheet()), 'xl/worksheets/sheet1.xml', { compressionLevel: 1 });
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}
