/**
 * The staging models' row status (macro latest_version_status): the latest Version of a key wins, within a Version
 * the later file (a ZIP's entries share their archive's Version), within a file the later row; a bad row never
 * replaces a good one. Checked on rows made to tell apart the orders the macro must keep.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openEngineFixture } from '../engine/engine-harness.js';
import type { EngineFixture } from '../engine/engine-harness.js';

const REPO = join(import.meta.dirname, '../../..');

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

// (id, _version, _file, _row, record_key, error_code) → the status the row must get
const ROWS: [string, number, string, number, string | null, string | null, string][] = [
  ['A1', 1, 'd.zip!orders_x.csv', 1, 'A', null, 'superseded'],
  ['A2', 1, 'd.zip!orders_y.csv', 1, 'A', null, 'current'], // same Version, later file
  ['B1', 1, 'o1.csv', 1, 'B', null, 'superseded'],
  ['B2', 1, 'o1.csv', 2, 'B', null, 'current'], // same file, later row
  ['C1', 1, 'o1.csv', 3, 'C', null, 'current'],
  ['C2', 2, 'o2.csv', 1, 'C', 'BAD_DATE', 'error'], // a newer bad row does not replace the good one
  ['D1', 1, 'o1.csv', 5, 'D', 'BAD_DATE', 'superseded'], // an older bad row a good one replaced
  ['D2', 2, 'o2.csv', 2, 'D', null, 'current'],
  ['E1', 2, 'o2_b.csv', 9, 'E', null, 'current'], // the later file wins over a higher row number
  ['E2', 2, 'o2_a.csv', 10, 'E', null, 'superseded'],
  ['F1', 3, 'o3.csv', 7, 'F', null, 'current'], // the later Version wins over a higher row number
  ['F2', 1, 'o1.csv', 100, 'F', null, 'superseded'],
  ['G1', 2, 'o2.csv', 3, null, 'MISSING_FIELD', 'error'], // no key: its own status key
];

it('latest Version, then later file, then later row wins; a bad row never replaces a good one', async () => {
  const literal = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);
  const values = ROWS.map(([id, version, file, row, key, error]) => `(${[id, version, file, row, key, error].map(literal).join(', ')})`).join(',\n');
  fx = await openEngineFixture({
    'macros/latest_version_status.hbs': await readFile(join(REPO, 'macros/latest_version_status.hbs'), 'utf8'),
    'models/staging/stg_rows.sql': `{{config materialized='table'}}
with rows_out as (
    select id, cast(_version as bigint) as _version, _file, cast(_row as bigint) as _row, record_key, error_code
    from (values ${values}) as v(id, _version, _file, _row, record_key, error_code)
)
{{latest_version_status 'rows_out'}}`,
  });
  await fx.build({ command: 'run' });
  const got = await fx.rows<{ id: string; row_status: string; _status_key: string | null }>('select id, row_status, _status_key from staging.stg_rows order by id');
  expect(got.map((r) => [r.id, r.row_status])).toEqual(ROWS.map((r) => [r[0], r[6]]));
  expect(got.find((r) => r.id === 'G1')!._status_key).toBe('#2|o2.csv|3');
  // a keyed row's incremental slot is its record_key alone (unique_key: record_key, _status_key)
  expect(got.find((r) => r.id === 'A1')!._status_key).toBeNull();
});
