import { createHash } from 'node:crypto';
import type { DataTestSpec } from '../project/types.js';
import { quoteIdent, quoteLiteral } from './node-ids.js';

/** Resolves `ref('x')` / `x` in a relationships test's `to:` into a relation, or undefined if unknown. */
export type RelationResolver = (target: string) => { relation: string; id: string } | undefined;

export interface GenericTestSql {
  readonly name: string;
  readonly sql: string;
  /** Extra node ids the test reads (relationships: the parent model). */
  readonly alsoDependsOn: readonly string[];
}

/** `ref('orders')`, `ref("orders")`, `source('raw','orders')` or `orders` → `orders` / `raw.orders`. */
export function parseTarget(to: string): string {
  const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(to);
  if (ref) return ref[1]!;
  const source = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(to);
  if (source) return `${source[1]}.${source[2]}`;
  return to.trim();
}

/**
 * SQL returning the failing rows of a generic test on `relation` (dbt semantics: zero rows = pass). Each query is
 * set-based; `where:` narrows the tested rows first. The expression test treats NULL as a failure, stricter than
 * dbt-utils' expression_is_true, because an identity that cannot be evaluated has not been shown to hold.
 */
export function genericTestSql(
  spec: DataTestSpec,
  modelName: string,
  relation: string,
  resolve: RelationResolver,
): GenericTestSql | { error: string } {
  const base = spec.where ? `(SELECT * FROM ${relation} WHERE ${spec.where})` : relation;
  const columnName = spec.column ?? (spec.args.column_name as string | undefined);
  const col = columnName ? quoteIdent(columnName) : '';
  const suffix = columnName ? `${modelName}_${columnName}` : modelName;
  switch (spec.kind) {
    case 'not_null':
      return { name: spec.name ?? `not_null_${suffix}`, sql: `SELECT * FROM ${base} AS t WHERE ${col} IS NULL`, alsoDependsOn: [] };
    case 'unique': {
      const combination = spec.args.combination as string[] | undefined;
      if (combination) {
        // dbt_utils' unique_combination_of_columns: NULLs group together, so a repeated (a, NULL) fails too.
        const cols = combination.map(quoteIdent).join(', ');
        return {
          name: spec.name ?? `unique_${modelName}_${combination.join('__')}`,
          sql: `SELECT ${cols}, count(*) AS n_records FROM ${base} AS t GROUP BY ${cols} HAVING count(*) > 1`,
          alsoDependsOn: [],
        };
      }
      return {
        name: spec.name ?? `unique_${suffix}`,
        sql: `SELECT ${col} AS unique_field, count(*) AS n_records FROM ${base} AS t WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1`,
        alsoDependsOn: [],
      };
    }
    case 'accepted_values': {
      const values = (spec.args.values as unknown[]).map((v) => quoteLiteral(String(v)));
      return {
        name: spec.name ?? `accepted_values_${suffix}`,
        sql: `SELECT ${col} AS value_field, count(*) AS n_records FROM ${base} AS t WHERE ${col} IS NOT NULL AND CAST(${col} AS VARCHAR) NOT IN (${values.join(', ')}) GROUP BY ${col}`,
        alsoDependsOn: [],
      };
    }
    case 'relationships': {
      const target = parseTarget(String(spec.args.to));
      const parent = resolve(target);
      if (!parent) return { error: `relationships test points to "${target}", which is not a model, seed or source` };
      const field = quoteIdent(String(spec.args.field));
      return {
        name: spec.name ?? `relationships_${suffix}__${String(spec.args.field)}__${target.replaceAll('.', '_')}`,
        sql: `SELECT child.${col} AS from_field FROM ${base} AS child LEFT JOIN ${parent.relation} AS parent ON child.${col} = parent.${field} WHERE child.${col} IS NOT NULL AND parent.${field} IS NULL`,
        alsoDependsOn: [parent.id],
      };
    }
    case 'expression': {
      const expression = String(spec.args.expression);
      return {
        name: spec.name ?? `expression_${suffix}_${shortHash(expression)}`,
        sql: `SELECT * FROM ${base} AS t WHERE NOT coalesce((${expression}), false)`,
        alsoDependsOn: [],
      };
    }
    default:
      throw new Error(`Unexpected test kind ${String(spec.kind)}`);
  }
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
