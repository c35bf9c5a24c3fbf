/**
 * The models store record type names as an ENUM (macros/record_type_enum.hbs). A type the extract lands but the ENUM
 * lacks would fail every build at the cast, so the two lists must be the same; alphabetical, so ORDER BY, min and max
 * rank the values as they rank the text.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { RECORD_TYPE_NAMES } from '../../../src/extract/record-types.js';

const REPO = join(import.meta.dirname, '../../..');

test('record_type_enum lists every record type of the extract, in alphabetical order', async () => {
  const macro = await readFile(join(REPO, 'macros/record_type_enum.hbs'), 'utf8');
  const body = macro.replace(/\{\{!--[\s\S]*?--\}\}/g, '').trim();
  const values = [...body.matchAll(/'([^']*)'/g)].map((m) => m[1]);
  expect(body).toMatch(/^ENUM\(.*\)$/);
  expect(values).toEqual([...RECORD_TYPE_NAMES].sort());
});
