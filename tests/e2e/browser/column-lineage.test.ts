import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectLineage } from '../../../src/docs/select-lineage.js';
import type { RelationInfo } from '../../../src/docs/select-lineage.js';
import { SqlParser } from '../../../src/docs/sql-parser.js';

/**
 * Column lineage of the docs site (src/docs/select-lineage.ts) on DuckDB's real parse trees: what each output column
 * is computed from, through the SQL shapes the project's models use.
 */
const RELATIONS: Record<string, RelationInfo> = {
  'raw.orders': { node: 'source.p.raw.orders', relation: 'raw.orders', columns: ['id', 'amount', 'currency', 'booked'] },
  'marts.lines': { node: 'model.p.lines', relation: 'marts.lines', columns: ['line_key', 'revenue', 'billing', 'period'] },
  'seeds.rates': { node: 'seed.p.rates', relation: 'seeds.rates', columns: ['currency', 'rate'] },
  // Never built: columns unknown.
  'raw.fx': { node: 'source.p.raw.fx', relation: 'raw.fx' },
};
const lookup = (schema: string, name: string) => RELATIONS[`${schema}.${name}`.toLowerCase()];

let parser: SqlParser;
beforeAll(async () => {
  parser = await SqlParser.open();
});
afterAll(() => parser?.close());

/** `{ column: ['relation.column (transform)', …] }` for compact expectations. */
async function trace(sql: string): Promise<{ columns: Record<string, string[]>; transforms: Record<string, string>; complete: boolean; notes: readonly string[] }> {
  const parsed = await parser.parse(sql);
  if (!parsed.ok) throw new Error(parsed.error);
  const lineage = selectLineage(parsed.statement, lookup);
  return {
    columns: Object.fromEntries(lineage.columns.map((c) => [c.name, c.sources.map((s) => `${s.relation}.${s.column}`).sort()])),
    transforms: Object.fromEntries(lineage.columns.map((c) => [c.name, c.transform])),
    complete: lineage.complete,
    notes: lineage.notes,
  };
}

describe('column lineage from json_serialize_sql', () => {
  it('follows aliases through CTEs and joins, and tells copies from derived values', async () => {
    const t = await trace(`
      with o as (select id, amount * 2 as doubled, upper(currency) as ccy from "raw"."orders"),
           r as (select currency, rate from "seeds"."rates")
      select o.id as order_id, doubled, o.ccy, doubled * r.rate as home, 1 as one
      from o join r on r.currency = o.ccy where o.id > 0`);
    expect(t.columns).toEqual({
      order_id: ['raw.orders.id'],
      doubled: ['raw.orders.amount'],
      ccy: ['raw.orders.currency'],
      home: ['raw.orders.amount', 'seeds.rates.rate'],
      one: [],
    });
    expect(t.transforms).toEqual({ order_id: 'copy', doubled: 'derived', ccy: 'derived', home: 'derived', one: 'derived' });
    expect(t.complete).toBe(true);
  });

  it('expands * with EXCLUDE, REPLACE and RENAME, and hides the right side of JOIN … USING', async () => {
    const t = await trace(`select * exclude (billing) replace (revenue * -1 as revenue) rename (period as actg_period)
                           from "marts"."lines"`);
    expect(Object.keys(t.columns)).toEqual(['line_key', 'revenue', 'actg_period']);
    expect(t.transforms).toMatchObject({ line_key: 'copy', revenue: 'derived', actg_period: 'copy' });
    const u = await trace(`select * from (select currency, amount from "raw"."orders") a join "seeds"."rates" b using (currency)`);
    expect(Object.keys(u.columns)).toEqual(['currency', 'amount', 'rate']);
    // DuckDB's USING column is the left one (an inner join): `*` shows it once.
    expect(u.columns.currency).toEqual(['raw.orders.currency']);
  });

  it('unions positionally, follows window functions, lambdas, subqueries and lateral select aliases', async () => {
    const t = await trace(`
      select id as k, amount as v from "raw"."orders"
      union all
      select line_key, sum(revenue) over (partition by period order by billing) from "marts"."lines"`);
    expect(t.columns).toEqual({ k: ['marts.lines.line_key', 'raw.orders.id'], v: ['marts.lines.billing', 'marts.lines.period', 'marts.lines.revenue', 'raw.orders.amount'] });
    const l = await trace(`
      select list_transform([amount], id -> id + 1) as bumped,
             (select max(rate) from "seeds"."rates" r where r.currency = o.currency) as best,
             amount * 100 as cents, cents + 1 as cents_plus
      from "raw"."orders" o`);
    // The lambda's `id` is its parameter, not orders.id.
    expect(l.columns).toEqual({ bumped: ['raw.orders.amount'], best: ['seeds.rates.rate'], cents: ['raw.orders.amount'], cents_plus: ['raw.orders.amount'] });
  });

  it('reads a lateral subquery over the relation before it, and an unaliased unnest of structs as a whole', async () => {
    const t = await trace(`
      select l.line_key, a.account, a.amount
      from "marts"."lines" l, lateral (select unnest([{'account': 'Revenue', 'amount': l.revenue}, {'account': 'Deferred', 'amount': -l.billing}], recursive := true)) a`);
    expect(t.columns.line_key).toEqual(['marts.lines.line_key']);
    expect(t.columns.amount).toEqual(['marts.lines.billing', 'marts.lines.revenue']);
  });

  it('names unknown columns after their relation, and says when a * hides columns', async () => {
    const t = await trace(`select "From_Currency" as ccy, rate from "raw"."fx"`);
    expect(t.columns).toEqual({ ccy: ['raw.fx.From_Currency'], rate: ['raw.fx.rate'] });
    const s = await trace(`select * from "raw"."fx"`);
    expect(s.complete).toBe(false);
    expect(s.notes.join(' ')).toContain('raw.fx');
  });

  it('reports what DuckDB cannot parse instead of guessing', async () => {
    expect(await parser.parse('select from where')).toMatchObject({ ok: false });
    expect(await parser.parse('create table x as select 1')).toMatchObject({ ok: false });
  });
});
