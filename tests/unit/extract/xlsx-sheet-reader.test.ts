import { describe, expect, it } from 'vitest';
import { PartContentError } from '../../../src/extract/formats/xlsx-xml-part.js';
import { SharedStrings } from '../../../src/extract/formats/xlsx-shared-strings.js';
import { SheetReader, columnOf, type SheetContext } from '../../../src/extract/formats/xlsx-sheet-reader.js';

function strings(...values: string[]): SharedStrings {
  const table = new SharedStrings();
  for (const v of values) table.push(v, Number.MAX_SAFE_INTEGER);
  table.seal();
  return table;
}

const CONTEXT: SheetContext = { sharedStrings: strings('zero', 'one'), dateStyles: [false, true, false], date1904: false };

/** Rows of a sheet part as `[row, { column: text }]`, fed in chunks of `chunk` characters. */
function read(sheetData: string, context: SheetContext = CONTEXT, options: { chunk?: number; root?: string } = {}): Array<[number, Record<number, string>]> {
  const rows: Array<[number, Record<number, string>]> = [];
  const reader = new SheetReader(context, {
    row(rowNumber, columns, texts, count) {
      const cells: Record<number, string> = {};
      for (let i = 0; i < count; i += 1) cells[columns[i]!] = texts[i]!;
      rows.push([rowNumber, cells]);
    },
  });
  const root = options.root ?? 'worksheet';
  const p = root.includes(':') ? root.slice(0, root.indexOf(':') + 1) : '';
  const xml = `<?xml version="1.0"?><${root} xmlns${p ? `:${p.slice(0, -1)}` : ''}="main"><${p}sheetViews/>${sheetData}</${root}>`;
  const size = options.chunk ?? xml.length;
  for (let i = 0; i < xml.length; i += size) reader.tokenizer.write(xml.slice(i, i + size));
  reader.tokenizer.end();
  reader.finish();
  return rows;
}

describe('SheetReader', () => {
  it('turns every cell type into its text', () => {
    const rows = read(
      '<sheetData><row r="2">' +
        '<c r="A2" t="s"><v>1</v></c>' + // shared string
        '<c r="B2" t="inlineStr"><is><r><t>in</t></r><r><rPr><b/></rPr><t xml:space="preserve">line &amp; more_x000D_</t></r><rPh><t>ruby</t></rPh></is></c>' +
        '<c r="C2" t="str"><f>A2&amp;"x"</f><v>onex</v></c>' + // formula, string result
        '<c r="D2" s="1"><v>45352</v></c>' + // date style
        '<c r="E2" s="1"><v>45352.75</v></c>' + // date with a time of day: kept
        '<c r="F2" s="1"><f>D2+1</f><v>45353</v></c>' + // formula in a date style
        '<c r="G2"><v>1E-7</v></c>' + // exponent in the XML, plain decimal out
        '<c r="H2" t="n"><v>12345678901234567890</v></c>' +
        '<c r="I2" t="b"><v>0</v></c>' +
        '<c r="J2" t="b"><f>1=1</f><v>1</v></c>' + // boolean formula: TRUE, not 1
        '<c r="K2" t="e"><v>#N/A</v></c>' + // error cell: its code
        '<c r="L2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + // formula error: #ERROR
        '<c r="M2"><f>NOW()</f></c>' + // formula without a cached value
        '<c r="N2" t="d"><v>2024-02-29T00:00:00Z</v></c>' +
        '<c r="O2" t="d"><v>2024-02-29T13:05:09.250</v></c>' +
        '<c r="P2" s="2"><v>0.1</v></c>' +
        '<c r="Q2" t="s" s="1"><v>0</v></c>' + // text in a date style stays text
        '<c r="R2"><v><![CDATA[42]]></v></c>' +
        '</row></sheetData>',
    );
    expect(rows).toEqual([
      [
        2,
        {
          1: 'one',
          2: 'inline & more\r',
          3: 'onex',
          4: '2024-03-01',
          5: '2024-03-01 18:00:00',
          6: '2024-03-02',
          7: '0.0000001',
          8: '12345678901234567000',
          9: 'FALSE',
          10: 'TRUE',
          11: '#N/A',
          12: '#ERROR',
          14: '2024-02-29',
          15: '2024-02-29 13:05:09.250',
          16: '0.1',
          17: 'zero',
          18: '42',
        },
      ],
    ]);
  });

  it('uses the 1904 date system when the workbook says so', () => {
    expect(read('<sheetData><row r="1"><c s="1"><v>43890</v></c></row></sheetData>', { ...CONTEXT, date1904: true })).toEqual([[1, { 1: '2024-03-01' }]]);
  });

  it('numbers rows and cells without r after the previous ones, skips empty cells and rows', () => {
    expect(
      read('<sheetData><row><c><v>1</v></c><c/><c><v>3</v></c></row><row r="4"><c r="C4" t="inlineStr"><is><t></t></is></c></row><row><c r="B5"><v>5</v></c><c><v>6</v></c></row></sheetData>'),
    ).toEqual([
      [1, { 1: '1', 3: '3' }],
      [5, { 2: '5', 3: '6' }],
    ]);
  });

  it('gives the same rows however the XML is chunked', () => {
    const data = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>a&amp;b</t></is></c><c r="AA1" s="1"><v>45000</v></c></row></sheetData>';
    const whole = read(data);
    expect(whole).toEqual([[1, { 1: 'zero', 2: 'a&b', 27: '2023-03-15' }]]);
    for (const chunk of [1, 2, 3, 7, 13]) expect(read(data, CONTEXT, { chunk })).toEqual(whole);
  });

  it('reads a sheet whose SpreadsheetML namespace has a prefix, and only that namespace', () => {
    const data = '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>7</x:v></x:c></x:row></x:sheetData><x14:row r="9"><x14:c r="A9"><x14:v>9</x14:v></x14:c></x14:row>';
    expect(read(data, CONTEXT, { root: 'x:worksheet' })).toEqual([[1, { 1: '7' }]]);
  });

  it.each([
    ['<sheetData><row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row></sheetData>', /row 2 comes after row 3/],
    ['<sheetData><row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row></sheetData>', /cell A1 in row 1 comes after column 2/],
    ['<sheetData><row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>1</v></c></row></sheetData>', /comes after column 2/],
    ['<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>', /beyond column XFD/],
    ['<sheetData><row r="1048577"><c><v>1</v></c></row></sheetData>', /out of range/],
    ['<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>', /not a cell/],
    ['<sheetData><row r="1"><c t="s"><v>2</v></c></row></sheetData>', /refers to shared string "2", but the table has 2/],
    ['<sheetData><row r="1"><c t="s"><v>x</v></c></row></sheetData>', /refers to shared string "x"/],
    ['<sheetData><row r="1"><c t="zz"><v>1</v></c></row></sheetData>', /unknown type t="zz"/],
    ['<sheetViews/>', /no <sheetData>/],
  ])('refuses to guess: %s', (data, message) => {
    expect(() => read(data)).toThrow(PartContentError);
    expect(() => read(data)).toThrow(message);
  });

  it('refuses a part whose root is not a worksheet (a chart sheet)', () => {
    expect(() => read('', CONTEXT, { root: 'chartsheet' })).toThrow(/root element is <chartsheet>, not <worksheet>/);
  });
});

describe('columnOf', () => {
  it.each([
    ['A1', 1],
    ['Z9', 26],
    ['AA10', 27],
    ['XFD1048576', 16384],
    ['b2', 2],
    ['12', 0],
  ])('%s → %i', (ref, column) => {
    expect(columnOf(ref)).toBe(column);
  });
});

describe('SharedStrings', () => {
  it('keeps every string across many blocks, and says when an index is not in the table', () => {
    const table = new SharedStrings();
    const values = Array.from({ length: 60_000 }, (_, i) => (i % 7 === 0 ? '' : `value ${i} ${'é'.repeat(i % 5)}`));
    expect(values.every((v) => table.push(v, Number.MAX_SAFE_INTEGER))).toBe(true);
    table.seal();
    expect(table.size).toBe(values.length);
    for (const i of [0, 1, 6, 7, 4095, 30_000, 59_999]) expect(table.get(i)).toBe(values[i]);
    expect(values.every((v, i) => table.get(i) === v)).toBe(true);
    for (const bad of [-1, 60_000, 1.5, Number.NaN]) expect(table.get(bad)).toBeUndefined();
  });
  it('refuses a string past the character cap', () => {
    const table = new SharedStrings();
    expect(table.push('12345', 8)).toBe(true);
    expect(table.push('1234', 8)).toBe(false);
    expect(table.size).toBe(1);
  });
});
