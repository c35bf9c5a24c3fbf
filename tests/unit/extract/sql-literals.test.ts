import { describe, expect, it } from 'vitest';
import { quoteIdent, sqlBigint, sqlString, sqlTimestamp } from '../../../src/extract/landing/sql-literals.js';

describe('sql literals', () => {
  it('doubles quotes in identifiers and strings', () => {
    expect(quoteIdent('x"; DROP TABLE raw.orders; --')).toBe('"x""; DROP TABLE raw.orders; --"');
    expect(sqlString("o'rders\\'; DROP TABLE raw.orders; --")).toBe("'o''rders\\''; DROP TABLE raw.orders; --'");
  });
  it('refuses NUL rather than truncating', () => {
    expect(() => sqlString('a\u0000b')).toThrow(/NUL/);
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });
  it('writes bigint and timestamp literals', () => {
    expect(sqlBigint(9_223_372_036_854_775_807n)).toBe('9223372036854775807::BIGINT');
    expect(() => sqlBigint(2n ** 63n)).toThrow(RangeError);
    expect(sqlTimestamp(new Date('2024-05-01T10:00:00.123Z'))).toBe("TIMESTAMP '2024-05-01 10:00:00.123'");
    expect(() => sqlTimestamp(new Date('nope'))).toThrow(RangeError);
  });
});
