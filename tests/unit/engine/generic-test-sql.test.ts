import { describe, expect, it } from 'vitest';
import { genericTestSql, parseTarget } from '../../../src/compile/generic-test-sql.js';
import type { DataTestSpec } from '../../../src/project/types.js';
import { compileErrorOf } from './compile-helpers.js';

const spec = (kind: DataTestSpec['kind'], args: Record<string, unknown> = {}, extra: Partial<DataTestSpec> = {}): DataTestSpec => ({
  kind,
  column: 'id',
  args,
  severity: 'error',
  file: 'models/m/schema.yml',
  ...extra,
});
const resolve = (target: string) => (target === 'parent' ? { relation: '"m"."parent"', id: 'model.p.parent' } : undefined);

describe('generic test SQL', () => {
  it('not_null and unique return failing rows only', () => {
    expect(genericTestSql(spec('not_null'), 'child', '"m"."child"', resolve)).toEqual({
      name: 'not_null_child_id',
      sql: 'SELECT * FROM "m"."child" AS t WHERE "id" IS NULL',
      alsoDependsOn: [],
    });
    expect(genericTestSql(spec('unique'), 'child', '"m"."child"', resolve)).toMatchObject({
      name: 'unique_child_id',
      sql: 'SELECT "id" AS unique_field, count(*) AS n_records FROM "m"."child" AS t WHERE "id" IS NOT NULL GROUP BY "id" HAVING count(*) > 1',
    });
  });

  it('accepted_values quotes every value; where: narrows the rows first', () => {
    const result = genericTestSql(spec('accepted_values', { values: ["it's", 'b', 3] }, { where: 'amount > 0' }), 'child', '"m"."child"', resolve);
    expect(result).toMatchObject({
      sql: `SELECT "id" AS value_field, count(*) AS n_records FROM (SELECT * FROM "m"."child" WHERE amount > 0) AS t WHERE "id" IS NOT NULL AND CAST("id" AS VARCHAR) NOT IN ('it''s', 'b', '3') GROUP BY "id"`,
    });
  });

  it('relationships resolves ref() and depends on the parent', () => {
    expect(genericTestSql(spec('relationships', { to: "ref('parent')", field: 'pid' }), 'child', '"m"."child"', resolve)).toEqual({
      name: 'relationships_child_id__pid__parent',
      sql: 'SELECT child."id" AS from_field FROM "m"."child" AS child LEFT JOIN "m"."parent" AS parent ON child."id" = parent."pid" WHERE child."id" IS NOT NULL AND parent."pid" IS NULL',
      alsoDependsOn: ['model.p.parent'],
    });
    expect(genericTestSql(spec('relationships', { to: 'nope', field: 'id' }), 'child', '"m"."child"', resolve)).toEqual({
      error: 'relationships test points to "nope", which is not a model, seed or source',
    });
    expect(parseTarget(`source("raw", 'orders')`)).toBe('raw.orders');
    expect(parseTarget(' plain ')).toBe('plain');
  });

  it('expression treats NULL as a failure and gets a stable hashed name', () => {
    const a = genericTestSql(spec('expression', { expression: 'amount >= 0' }, { column: undefined }), 'child', '"m"."child"', resolve);
    const b = genericTestSql(spec('expression', { expression: 'amount >= 0' }, { column: undefined }), 'child', '"m"."child"', resolve);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ name: expect.stringMatching(/^expression_child_[0-9a-f]{8}$/), sql: 'SELECT * FROM "m"."child" AS t WHERE NOT coalesce((amount >= 0), false)' });
  });

  it('unique over a combination of columns; a combination that is not a list is a YAML error', async () => {
    expect(genericTestSql(spec('unique', { combination: ['a', 'b'] }, { column: undefined }), 'child', '"m"."child"', resolve)).toEqual({
      name: 'unique_child_a__b',
      sql: 'SELECT "a", "b", count(*) AS n_records FROM "m"."child" AS t GROUP BY "a", "b" HAVING count(*) > 1',
      alsoDependsOn: [],
    });
    const error = await compileErrorOf({
      'models/m/a.sql': 'select 1 as a',
      'models/m/schema.yml': 'models:\n  - name: a\n    tests:\n      - unique: {combination: a}\n      - not_null: {combination: [a]}\n',
    });
    expect(error.errors.map((e) => e.describe())).toEqual([
      'models/m/schema.yml:4: unique combination needs a list of columns: {combination: [a, b]}',
      'models/m/schema.yml:5: not_null needs a column: put it under a column, or give column_name',
    ]);
  });

  it('an explicit name wins', () => {
    expect(genericTestSql(spec('not_null', {}, { name: 'ids_present' }), 'child', '"m"."child"', resolve)).toMatchObject({ name: 'ids_present' });
  });
});
