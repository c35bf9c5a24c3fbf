import { describe, expect, it } from 'vitest';
import { csvField } from '../../../src/extract/formats/csv-file-writer.js';

describe('csvField (RFC 4180 output of converted XLSX cells)', () => {
  it.each([
    ['', ''],
    ['plain', 'plain'],
    ['1,5', '"1,5"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded', '" padded"'],
    ['padded\t', '"padded\t"'],
    ['in side', 'in side'],
    ['=1+1', '=1+1'],
    ['ab"c', '"ab""c"'],
  ])('%j → %j', (text, field) => {
    expect(csvField(text)).toBe(field);
  });
});
