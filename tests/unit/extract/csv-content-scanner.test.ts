import { describe, expect, it } from 'vitest';
import { CsvContentScanner } from '../../../src/extract/formats/csv-content-scanner.js';

/** Scans `data` cut into chunks at the given positions. */
function scan(data: Buffer | string, cuts: number[] = [], headLimit = 1024) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const scanner = new CsvContentScanner(headLimit);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.push(bytes.subarray(start, cut));
    start = cut;
  }
  return scanner.finish();
}

describe('CsvContentScanner', () => {
  const text = 'Währung,€,𝄞\nKöln,ok,✓\n';
  const bytes = Buffer.from(text);

  it('accepts valid UTF-8 wherever the chunks split a multi-byte character', () => {
    for (let a = 1; a < bytes.length; a += 1) {
      for (let b = a; b < bytes.length; b += 3) {
        expect(scan(bytes, b === a ? [a] : [a, b]).invalidUtf8Offset, `cuts ${a},${b}`).toBeUndefined();
      }
    }
    // one byte per chunk
    expect(scan(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)).invalidUtf8Offset).toBeUndefined();
  });

  it('finds the offset of the first invalid byte, also across a split', () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait,1\n')]);
    expect(scan(latin1).invalidUtf8Offset).toBe(7);
    for (let cut = 1; cut < latin1.length; cut += 1) expect(scan(latin1, [cut]).invalidUtf8Offset, `cut ${cut}`).toBe(7);
    const truncated = Buffer.concat([Buffer.from('a,b\n'), Buffer.from('€').subarray(0, 2)]);
    expect(scan(truncated).invalidUtf8Offset).toBe(4);
    const surrogate = Buffer.concat([Buffer.from('ab'), Buffer.from([0xed, 0xa0, 0x80])]);
    expect(scan(surrogate, [3]).invalidUtf8Offset).toBe(2);
    const overlong = Buffer.from([0x61, 0xc0, 0xaf]);
    expect(scan(overlong).invalidUtf8Offset).toBe(1);
  });

  it('records NUL bytes and control characters in the head', () => {
    const binary = Buffer.from([0x61, 0x2c, 0x00, 0x01, 0x02, 0x0a, 0x09, 0x0d]);
    const result = scan(binary, [3]);
    expect(result.nulOffset).toBe(2);
    expect(result.controlBytesInHead).toBe(3);
  });

  it('keeps the first bytes as the head', () => {
    const result = scan('abcdefghij', [3, 7], 5);
    expect(result.head.toString()).toBe('abcde');
    expect(result.bytes).toBe(10);
  });

  it('flags empty lines before the last content, not trailing ones', () => {
    expect(scan('a\n1\n\n2\n').hasInnerBlankLine).toBe(true);
    expect(scan('a\r\n1\r\n\r\n2\r\n').hasInnerBlankLine).toBe(true);
    expect(scan('a\r1\r\r2\r').hasInnerBlankLine).toBe(true);
    expect(scan('a\n1\n2\n\n\n').hasInnerBlankLine).toBe(false);
    expect(scan('a\r\n1\r\n\r\n').hasInnerBlankLine).toBe(false);
    expect(scan('a\n1\n2\n').hasInnerBlankLine).toBe(false);
  });

  it('finds an empty line split across chunks', () => {
    const data = 'a\n1\n\n2\n';
    for (let cut = 1; cut < data.length; cut += 1) expect(scan(data, [cut]).hasInnerBlankLine, `cut ${cut}`).toBe(true);
    const crlf = 'a\r\n1\r\n\r\n2\r\n';
    for (let cut = 1; cut < crlf.length; cut += 1) expect(scan(crlf, [cut]).hasInnerBlankLine, `cut ${cut}`).toBe(true);
  });
});
