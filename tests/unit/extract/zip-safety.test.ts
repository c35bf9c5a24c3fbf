import { describe, expect, it } from 'vitest';
import { InflateBudget } from '../../../src/extract/formats/inflate-budget.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../src/extract/formats/prepared-file.js';
import { isDirectoryEntry, isHiddenEntry, unsafeEntryReason, yauzlUnsafeNameReason } from '../../../src/extract/formats/zip-entry-safety.js';

const entry = (fileName: string, mode?: number) => ({ fileName, externalFileAttributes: mode === undefined ? 0 : (mode << 16) >>> 0 });

describe('unsafeEntryReason', () => {
  it.each([
    ['../evil.csv', 'climbs out'],
    ['data/../../evil.csv', 'climbs out'],
    ['..\\evil.csv', 'climbs out'],
    ['/etc/passwd', 'absolute path'],
    ['C:/Windows/x.csv', 'absolute path'],
    ['c:evil.csv', 'absolute path'],
    ['a\u0000.csv', 'NUL'],
  ])('refuses %j', (name, reason) => {
    expect(unsafeEntryReason(entry(name))).toContain(reason);
  });

  it('refuses symbolic links by their Unix mode', () => {
    expect(unsafeEntryReason(entry('orders.csv', 0o120777))).toBe('it is a symbolic link');
  });

  it('accepts plain relative names, also with dots inside', () => {
    for (const name of ['orders.csv', 'data/orders_2024.csv', 'a..b.csv', 'x/.../y.csv']) expect(unsafeEntryReason(entry(name, 0o100644))).toBeUndefined();
  });

  it('recognises directories and hidden files', () => {
    expect(isDirectoryEntry(entry('data/'))).toBe(true);
    expect(isHiddenEntry(entry('__MACOSX/._orders.csv'))).toBe(true);
    expect(isHiddenEntry(entry('data/.orders.csv'))).toBe(true);
    expect(isHiddenEntry(entry('data/orders.csv'))).toBe(false);
  });

  it("maps yauzl's own name errors", () => {
    expect(yauzlUnsafeNameReason('invalid relative path: ../x.csv')).toBe('an entry climbs out of the archive with ".." (../x.csv)');
    expect(yauzlUnsafeNameReason('absolute path: /x.csv')).toContain('absolute path (/x.csv)');
    expect(yauzlUnsafeNameReason('invalid central directory file header signature: 0x0')).toBeUndefined();
  });
});

describe('InflateBudget', () => {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 10_000, maxCompressionRatio: 10, ratioFloorBytes: 1_000 };

  it('checks declared sizes: total and ratio above the floor', () => {
    const budget = new InflateBudget(limits);
    expect(budget.checkDeclared('a.csv', 10, 900)).toBeUndefined(); // 90:1 but under the floor
    expect(budget.checkDeclared('b.csv', 200, 2_000)).toBeUndefined(); // exactly 10:1
    expect(budget.checkDeclared('c.csv', 200, 2_001)).toContain('more than 10:1');
    expect(new InflateBudget(limits).checkDeclared('d.csv', 5_000, 10_001)).toContain('over the cap of 10000');
  });

  it('stops an entry that inflates past its ratio while streaming, whatever its header said', () => {
    const count = new InflateBudget(limits).startEntry('bomb.csv', 200);
    expect(count(1_000)).toBeUndefined();
    expect(count(1_000)).toBeUndefined(); // 2,000 = 10 × 200
    expect(count(1)).toContain('inflated to more than 2000 bytes');
  });

  it('applies the floor to tiny entries and the total across entries', () => {
    const budget = new InflateBudget(limits);
    const tiny = budget.startEntry('tiny.csv', 1);
    expect(tiny(1_000)).toBeUndefined();
    expect(tiny(1)).toContain('more than 1000 bytes');
    const second = budget.startEntry('big.csv', 5_000);
    expect(second(8_000)).toBeUndefined();
    expect(second(1_000)).toContain('over the cap of 10000');
    expect(budget.inflated).toBe(10_001);
  });

  it('counts converted XLSX output against the total', () => {
    const budget = new InflateBudget(limits);
    expect(budget.addOutput(10_000)).toBeUndefined();
    expect(budget.addOutput(1)).toContain('converted sheets reached 10001 bytes');
  });
});
