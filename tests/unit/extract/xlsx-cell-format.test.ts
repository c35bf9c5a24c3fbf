import { describe, expect, it } from 'vitest';
import {
  cellText,
  decodeOoxmlEscapes,
  excelSerialToDate,
  formatDate,
  formatNumber,
  isDateFormat,
  isDateFormatId,
  isoDateCellText,
  serialDateText,
} from '../../../src/extract/formats/xlsx-cell-format.js';
import { resolveTarget } from '../../../src/extract/formats/xlsx-workbook-reader.js';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-12.5, '-12.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1234.56, '1234.56'],
    [1e-7, '0.0000001'],
    [-1.5e-10, '-0.00000000015'],
    [1e21, '1000000000000000000000'],
    [1.2345e22, '12345000000000000000000'],
    [123456789012345680000, '123456789012345680000'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [5e-324, `0.${'0'.repeat(323)}5`],
  ])('%s → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('round-trips: the text parses back to the same double and has no exponent', () => {
    for (const value of [Math.PI, 1 / 3, 2 ** 70, 2 ** -30, 9.999999999999999e22, 1.7976931348623157e308]) {
      const text = formatNumber(value);
      expect(text).not.toMatch(/e/i);
      expect(Number(text)).toBe(value);
    }
  });
});

describe('formatDate', () => {
  it('writes dates as YYYY-MM-DD in UTC', () => {
    expect(formatDate(new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(formatDate(new Date(Date.UTC(999, 0, 1)))).toBe('0999-01-01');
  });
  it('keeps a time of day instead of dropping it', () => {
    expect(formatDate(new Date(Date.UTC(2024, 0, 15, 13, 30)))).toBe('2024-01-15 13:30:00');
    expect(formatDate(new Date(Date.UTC(2024, 0, 15, 0, 0, 0, 5)))).toBe('2024-01-15 00:00:00.005');
  });
  it('converts Excel serial numbers without a time-zone shift, 1900 and 1904 systems', () => {
    expect(formatDate(excelSerialToDate(45352, false))).toBe('2024-03-01');
    expect(formatDate(excelSerialToDate(45352 - 1462, true))).toBe('2024-03-01');
  });
});

describe('isDateFormat', () => {
  it.each([
    ['yyyy-mm-dd', true],
    ['mm-dd-yy', true],
    ['dd/mm/yyyy', true],
    ['[$-409]d-mmm-yy;@', true],
    ['General', false],
    ['0.00', false],
    ['#,##0.00 "days"', false],
    [undefined, false],
    ['DD/MM/YYYY', true],
    ['yyyy-mm-dd hh:mm', true],
    ['[h]:mm:ss', true],
    ['[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', true],
    ['0.0 \\k\\m', false],
    ['_("$"* #,##0.00_);_("$"* \\(#,##0.00\\)', false],
    ['0.00E+00', false],
    ['#,##0 ;[Red](#,##0)', false],
  ])('%s → %s', (format, expected) => {
    expect(isDateFormat(format)).toBe(expected);
  });
});

describe('isDateFormatId', () => {
  it('knows the built-in date and time formats by id', () => {
    const dates = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57, 58];
    const numbers = [0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 44, 48, 49, 59, 164];
    expect(dates.filter((id) => !isDateFormatId(id, undefined))).toEqual([]);
    expect(numbers.filter((id) => isDateFormatId(id, undefined))).toEqual([]);
  });
  it('lets a format code the workbook defines decide, whatever the id', () => {
    expect(isDateFormatId(164, 'dd.mm.yyyy')).toBe(true);
    expect(isDateFormatId(165, '0.000')).toBe(false);
    expect(isDateFormatId(14, '0.00')).toBe(false); // a workbook may redefine a built-in id
  });
});

describe('serialDateText and isoDateCellText', () => {
  it('writes serial dates like formatDate, and keeps the number when it is no date', () => {
    expect(serialDateText(45352, false)).toBe('2024-03-01');
    expect(serialDateText(45352 - 1462, true)).toBe('2024-03-01');
    expect(serialDateText(45352.5, false)).toBe('2024-03-01 12:00:00');
    expect(serialDateText(1e12, false)).toBe('1000000000000');
    expect(serialDateText(Number.NaN, false)).toBe('#ERROR');
  });
  it.each([
    ['2024-02-29', '2024-02-29'],
    ['2024-02-29T00:00:00', '2024-02-29'],
    ['2024-02-29T00:00:00.000Z', '2024-02-29'],
    ['2024-02-29T08:30', '2024-02-29 08:30:00'],
    ['2024-02-29T08:30:15.5', '2024-02-29 08:30:15.500'],
    ['2024-02-29T08:30:15+02:00', '2024-02-29 08:30:15'],
    ['29/02/2024', '29/02/2024'],
  ])('t="d" %s → %s', (value, text) => {
    expect(isoDateCellText(value)).toBe(text);
  });
});

describe('decodeOoxmlEscapes', () => {
  it('undoes _xHHHH_ escapes, including the escaped underscore', () => {
    expect(decodeOoxmlEscapes('a_x000D_b')).toBe('a\rb');
    expect(decodeOoxmlEscapes('ID_x005F_x0041_')).toBe('ID_x0041_');
    expect(decodeOoxmlEscapes('snake_case_x1')).toBe('snake_case_x1');
    expect(decodeOoxmlEscapes('plain')).toBe('plain');
  });
});

describe('resolveTarget', () => {
  it.each([
    ['xl/workbook.xml', 'worksheets/sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['xl/workbook.xml', '/xl/worksheets/sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['xl/workbook.xml', './worksheets/../sharedStrings.xml', 'xl/sharedStrings.xml'],
    ['xl/workbook.xml', 'worksheets/my%20sheet.xml', 'xl/worksheets/my sheet.xml'],
    ['', 'xl/workbook.xml', 'xl/workbook.xml'],
    ['xl/workbook.xml', '../../outside.xml', undefined],
  ])('%s + %s → %s', (source, target, part) => {
    expect(resolveTarget(source, target)).toBe(part);
  });
});

describe('cellText', () => {
  it('keeps text verbatim, including formula-looking text', () => {
    expect(cellText('=HYPERLINK("http://x")', undefined, false)).toBe('=HYPERLINK("http://x")');
    expect(cellText('  padded ', undefined, false)).toBe('  padded ');
  });
  it('writes every other value type as text', () => {
    expect(cellText(null, undefined, false)).toBe('');
    expect(cellText(true, undefined, false)).toBe('TRUE');
    expect(cellText(1e-7, undefined, false)).toBe('0.0000001');
    expect(cellText(new Date(Date.UTC(2024, 5, 30)), 'yyyy-mm-dd', false)).toBe('2024-06-30');
    expect(cellText({ richText: [{ text: 'rich ' }, { text: 'text' }] }, undefined, false)).toBe('rich text');
    expect(cellText({ text: 'link', hyperlink: 'http://x' }, undefined, false)).toBe('link');
    expect(cellText({ error: '#N/A' }, undefined, false)).toBe('#N/A');
  });
  it('writes formulas as their cached result, dates by the cell format', () => {
    expect(cellText({ formula: 'A1*2', result: 0.6 }, '0.00', false)).toBe('0.6');
    expect(cellText({ formula: 'DATE(2024,3,1)', result: 45352 }, 'dd/mm/yyyy', false)).toBe('2024-03-01');
    expect(cellText({ formula: 'A1&"x"', result: 'ax' }, undefined, false)).toBe('ax');
    expect(cellText({ formula: 'NOW()' }, undefined, false)).toBe('');
    expect(cellText({ formula: '1/0', result: Number.NaN }, undefined, false)).toBe('#ERROR');
    expect(cellText({ sharedFormula: 'B2', result: 3 }, undefined, false)).toBe('3');
  });
});
