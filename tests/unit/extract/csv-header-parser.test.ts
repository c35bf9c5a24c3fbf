import { describe, expect, it } from 'vitest';
import { parseCsvHeader } from '../../../src/extract/formats/csv-header-parser.js';

function fields(text: string, complete = true): string[] {
  const parsed = parseCsvHeader(Buffer.from(text), complete);
  if (!parsed.ok) return expect.fail(parsed.problem);
  return parsed.fields.map((f) => f.toString('utf8'));
}

describe('parseCsvHeader', () => {
  it('splits on commas and stops at the first line end (LF, CRLF, CR)', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual(['a', 'b', 'c']);
    expect(fields('a,b\r\n1,2')).toEqual(['a', 'b']);
    expect(fields('a,b\r1,2')).toEqual(['a', 'b']);
    expect(fields('a,b')).toEqual(['a', 'b']);
    expect(fields('a,b,')).toEqual(['a', 'b', '']);
  });

  it('handles RFC 4180 quotes: commas, doubled quotes and line breaks inside', () => {
    expect(fields('"a,1","say ""hi""","multi\nline",d\nx')).toEqual(['a,1', 'say "hi"', 'multi\nline', 'd']);
    expect(fields('"a",""\n')).toEqual(['a', '']);
    expect(fields('"a","b"')).toEqual(['a', 'b']);
    expect(fields('"a",')).toEqual(['a', '']);
  });

  it('treats a quote inside an unquoted name as a character, like DuckDB', () => {
    expect(fields('ab"c,d\n')).toEqual(['ab"c', 'd']);
  });

  it('keeps UTF-8 names intact', () => {
    expect(fields('Kündé,Währung\n')).toEqual(['Kündé', 'Währung']);
  });

  it('reports problems instead of guessing', () => {
    expect(parseCsvHeader(Buffer.from('"a,b\n'), true)).toEqual({ ok: false, problem: 'a quoted header name is never closed' });
    expect(parseCsvHeader(Buffer.from('"a"x,b\n'), true)).toMatchObject({ ok: false, problem: expect.stringContaining('followed by other characters') });
    expect(parseCsvHeader(Buffer.from('a,b,c'), false)).toMatchObject({ ok: false, problem: expect.stringContaining('longer than the limit') });
  });

  it('returns an empty name for an empty first line', () => {
    expect(fields('\na,b\n')).toEqual(['']);
  });
});
