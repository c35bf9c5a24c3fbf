import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCsvStructure } from '../../../src/extract/formats/csv-structure-scanner.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-structure-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function structure(content: string) {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, content);
  return scanCsvStructure(path);
}

describe('scanCsvStructure', () => {
  it('numbers empty records like DuckDB: LF, CRLF and CR line ends', async () => {
    expect(await structure('h\n1\n\n2\n\n\n3\n')).toEqual({ blankRecords: [3, 5, 6] });
    expect(await structure('h\r\n1\r\n\r\n2\r\n')).toEqual({ blankRecords: [3] });
    expect(await structure('h\r1\r\r2\r')).toEqual({ blankRecords: [3] });
    expect(await structure('h\n1\n2\n\n')).toEqual({ blankRecords: [4] });
  });

  it('does not count line breaks inside quoted values, including empty lines there', async () => {
    expect(await structure('h,x\n1,"a\n\nb"\n\n2,"say ""hi""\n"\n')).toEqual({ blankRecords: [3] });
  });

  it('treats a quote inside an unquoted value as a character', async () => {
    expect(await structure('h,x\nab"c,1\n\n2,3\n')).toEqual({ blankRecords: [3] });
  });

  it('finds a quote left open at the end: record, line, offset and lines swallowed', async () => {
    const content = 'h,x\n1,"multi\nline"\n2,"open\n3,4\n5,6\n';
    expect(await structure(content)).toEqual({
      blankRecords: [],
      unclosedQuote: { record: 3, line: 4, offset: content.indexOf('2,"open'), lines: 3 },
    });
    expect((await structure('h\n"x')).unclosedQuote).toEqual({ record: 2, line: 2, offset: 2, lines: 1 });
  });

  it('finds nothing in a well-formed quoted file', async () => {
    expect(await structure('"a","b"\r\n"1","x\r\ny"\r\n"2",""\r\n')).toEqual({ blankRecords: [] });
  });
});
