import { describe, expect, it } from 'vitest';
import { CompileError } from '../../../src/errors.js';
import { compileFixture, compileErrorOf, squash } from './compile-helpers.js';

const SOURCES = `
  sources:
    - name: raw
      schema: raw
      tables:
        - name: orders
        - name: customers
          identifier: customer_master
`;

describe('compile errors', () => {
  it('collects every error of every model into one CompileError, each with file and line', async () => {
    const error = await compileErrorOf({
      'sources/raw.yml': SOURCES,
      'models/staging/stg_orders.sql': "select * from {{source 'raw' 'orders'}}",
      'models/staging/broken_ref.sql': "select 1 as x\nfrom {{ref 'stg_order'}}",
      'models/staging/broken_source.sql': "select 1\n\n\nfrom {{source 'raw' 'ordres'}}",
      'models/marts/broken_var.sql': "select {{var 'missing_var'}} as v",
      'models/marts/broken_syntax.sql': 'select 1\n{{#if x}}\nunclosed',
      'models/marts/two_in_one.sql': "select * from {{ref 'nope_a'}}\njoin {{ref 'nope_b'}} using (id)",
    });
    const found = error.errors.map((e) => `${e.location.file}:${e.location.line ?? '?'}`).sort();
    expect(found).toEqual([
      'models/marts/broken_syntax.sql:3',
      'models/marts/broken_var.sql:1',
      'models/marts/two_in_one.sql:1',
      'models/marts/two_in_one.sql:2',
      'models/staging/broken_ref.sql:2',
      'models/staging/broken_source.sql:4',
    ]);
    expect(error.message).toMatch(/^6 compilation errors:/);
  });

  it('a macro that does not parse is reported against its own file and line', async () => {
    const error = await compileErrorOf({
      'macros/broken.hbs': '{{!-- params: x --}}\ncast({{x}} as bigint)\n{{#if x}}\nunclosed',
      'models/staging/a.sql': "select {{broken 'y'}} as y",
    });
    expect(error.errors.map((e) => `${e.location.file}:${e.location.line ?? '?'}`)).toEqual(['macros/broken.hbs:4']);
  });

  it('an unknown ref names the model and suggests close names', async () => {
    const error = await compileErrorOf({
      'models/staging/stg_orders.sql': 'select 1 as id',
      'models/staging/stg_order_lines.sql': 'select 1 as id',
      'models/marts/fct.sql': "select * from {{ref 'stg_ordrs'}}",
    });
    expect(error.errors).toHaveLength(1);
    const [only] = error.errors;
    expect(only!.message).toContain('ref("stg_ordrs")');
    expect(only!.hint).toBe('did you mean "stg_orders"?');
    expect(only!.describe()).toBe('models/marts/fct.sql:1: ref("stg_ordrs") names no model or seed (did you mean "stg_orders"?)');
  });

  it('an unknown source suggests the declared table', async () => {
    const error = await compileErrorOf({
      'sources/raw.yml': SOURCES,
      'models/staging/s.sql': "select * from {{source 'raw' 'order'}}",
    });
    expect(error.errors[0]!.hint).toContain('"raw.orders"');
  });

  it('a cycle is printed as a path of model names', async () => {
    const error = await compileErrorOf({
      'models/staging/a.sql': "select * from {{ref 'b'}}",
      'models/staging/b.sql': "select * from {{ref 'a'}}",
      'models/staging/c.sql': "select * from {{ref 'a'}}",
    });
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]!.message).toBe('dependency cycle: a → b → a');
    expect(error.errors[0]!.location.file).toBe('models/staging/a.sql');
  });

  it('a longer cycle names every model on it in data-flow order', async () => {
    const error = await compileErrorOf({
      'models/x/m1.sql': "select * from {{ref 'm3'}}",
      'models/x/m2.sql': "select * from {{ref 'm1'}}",
      'models/x/m3.sql': "select * from {{ref 'm2'}}",
      'models/x/free.sql': 'select 1',
    });
    expect(error.errors[0]!.message).toBe('dependency cycle: m1 → m2 → m3 → m1');
  });

  it('a bad inline config is reported with the file', async () => {
    const error = await compileErrorOf({ 'models/m/a.sql': "{{config materialized='tabel'}}select 1" });
    expect(error.errors[0]!.location.file).toBe('models/m/a.sql');
    expect(error.message).toContain('materialized');
  });

  it('merge without unique_key is an error naming the model', async () => {
    const error = await compileErrorOf({
      'models/m/inc.sql': "{{config materialized='incremental' incremental_strategy='merge'}}select 1 as id",
    });
    expect(error.errors.map((e) => e.describe())).toEqual(['models/m/inc.sql model.fixture.inc: incremental_strategy merge needs a unique_key']);
  });

  it('tests on an ephemeral model are an error (it is never materialized)', async () => {
    const error = await compileErrorOf({
      'models/m/eph.sql': "{{config materialized='ephemeral'}}select 1 as id",
      'models/m/schema.yml': 'models:\n  - name: eph\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    expect(error.errors.map((e) => e.message)).toEqual(['ephemeral model "eph" cannot have data tests (it is never materialized)']);
    expect(error.errors[0]!.location.file).toBe('models/m/schema.yml');
  });

  it('a relationships test to an unknown model is a compile error at its YAML line', async () => {
    const error = await compileErrorOf({
      'models/m/a.sql': 'select 1 as id',
      'models/m/schema.yml': "models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - relationships: {to: ref('nope'), field: id}\n",
    });
    expect(error.errors[0]!.describe()).toContain('models/m/schema.yml:6');
    expect(error.errors[0]!.message).toContain('"nope"');
  });

  it('two models with the same generated test name are reported', async () => {
    const error = await compileErrorOf({
      'models/m/a.sql': 'select 1 as id',
      'models/m/schema.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null, not_null]\n',
    });
    expect(error).toBeInstanceOf(CompileError);
    expect(error.message).toContain('two data tests are named "not_null_a_id"');
  });
});

describe('compiled graph', () => {
  const files = {
    'sources/raw.yml': SOURCES,
    'seeds/currencies.csv': 'code,name\nEUR,Euro\n',
    'macros/cents.hbs': '{{!-- params: column, scale --}}CAST(round({{column}} * 100) AS BIGINT)',
    'models/staging/stg_orders.sql': "select id, {{cents 'amount'}} as amount_cents from {{source 'raw' 'orders'}}",
    'models/staging/stg_customers.sql': "select * from {{source 'raw' 'customers'}}",
    'models/intermediate/int_orders.sql': "select o.*, c.code from {{ref 'stg_orders'}} o cross join {{ref 'currencies'}} c",
    'models/marts/fct_orders.sql': "{{config materialized='table'}}select * from {{ref 'int_orders'}} join {{ref 'stg_customers'}} using (id)",
  };

  it('uses stable dbt-style ids and a topological order that does not depend on file order', async () => {
    const graph = await compileFixture(files);
    expect(Object.keys(graph.nodes).sort()).toEqual([
      'model.fixture.fct_orders',
      'model.fixture.int_orders',
      'model.fixture.stg_customers',
      'model.fixture.stg_orders',
      'seed.fixture.currencies',
      'source.fixture.raw.customers',
      'source.fixture.raw.orders',
    ]);
    expect(graph.order).toEqual([
      'seed.fixture.currencies',
      'source.fixture.raw.customers',
      'model.fixture.stg_customers',
      'source.fixture.raw.orders',
      'model.fixture.stg_orders',
      'model.fixture.int_orders',
      'model.fixture.fct_orders',
    ]);
    expect(graph.nodes['model.fixture.int_orders']!.dependsOn).toEqual(['model.fixture.stg_orders', 'seed.fixture.currencies']);
    expect(graph.children['model.fixture.stg_orders']).toEqual(['model.fixture.int_orders']);
    const again = await compileFixture(Object.fromEntries(Object.entries(files).reverse()));
    expect(again.order).toEqual(graph.order);
    expect(JSON.stringify(again.nodes)).toBe(JSON.stringify(graph.nodes));
  });

  it('renders ref, source (with identifier), seeds and macros with positional args', async () => {
    const graph = await compileFixture(files);
    const stg = graph.nodes['model.fixture.stg_orders'];
    const cust = graph.nodes['model.fixture.stg_customers'];
    const int = graph.nodes['model.fixture.int_orders'];
    if (stg?.kind !== 'model' || cust?.kind !== 'model' || int?.kind !== 'model') throw new Error('missing');
    expect(stg.compiledSql).toBe('select id, CAST(round(amount * 100) AS BIGINT) as amount_cents from "raw"."orders"');
    expect(cust.compiledSql).toBe('select * from "raw"."customer_master"');
    expect(int.compiledSql).toBe('select o.*, c.code from "staging"."stg_orders" o cross join "seeds"."currencies" c');
  });

  it('{{this}}, {{var}} with defaults and --vars overrides, and is_incremental in both forms', async () => {
    const graph = await compileFixture(
      {
        'models/m/inc.sql': `{{config materialized='incremental' unique_key='id'}}
          select id, '{{var "ccy"}}' as ccy, {{var "scale" 2}} as scale from src
          {{#if (is_incremental)}}where id > (select max(id) from {{this}}){{/if}}
          {{#is_incremental}}-- inc{{else}}-- full{{/is_incremental}}`,
      },
      { pipelineExtra: 'vars:\n  ccy: USD\n', vars: { ccy: 'EUR' } },
    );
    const inc = graph.nodes['model.fixture.inc'];
    if (inc?.kind !== 'model') throw new Error('missing');
    expect(squash(inc.compiledSql)).toBe("select id, 'EUR' as ccy, 2 as scale from src -- full");
    expect(squash(inc.incrementalSql!)).toBe(`select id, 'EUR' as ccy, 2 as scale from src where id > (select max(id) from "m"."inc") -- inc`);
    expect(graph.vars).toEqual({ ccy: 'EUR', revrec_state_hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('refs and sources used only in the incremental branch are dependencies too', async () => {
    const graph = await compileFixture({
      'sources/raw.yml': SOURCES,
      'models/m/watermark.sql': 'select 1 as id',
      'models/m/inc.sql': "{{config materialized='incremental'}}select 1 as id {{#if (is_incremental)}}from {{source 'raw' 'orders'}} where id > (select max(id) from {{ref 'watermark'}}){{/if}}",
    });
    expect(graph.nodes['model.fixture.inc']!.dependsOn).toEqual(['model.fixture.watermark', 'source.fixture.raw.orders']);
  });

  it('{{this}} follows an alias or schema set by the inline config', async () => {
    const graph = await compileFixture({
      'models/m/inc.sql': "{{config materialized='incremental' alias='renamed' schema='elsewhere'}}select 1 as id {{#if (is_incremental)}}from {{this}}{{/if}}",
    });
    const inc = graph.nodes['model.fixture.inc'];
    if (inc?.kind !== 'model') throw new Error('missing');
    expect(inc.relation).toBe('"elsewhere"."renamed"');
    expect(inc.incrementalSql).toBe('select 1 as id from "elsewhere"."renamed"');
  });

  it('never HTML-escapes; {{literal}} quotes SQL strings; object vars render as JSON', async () => {
    const graph = await compileFixture(
      { 'models/m/a.sql': `select '{{var "op"}}' as op, {{literal (var "name")}} as name, '{{var "obj"}}' as obj` },
      { pipelineExtra: `vars:\n  op: "a<b & c>d"\n  name: "O'Brien"\n  obj: {k: [1, 2]}\n` },
    );
    expect(graph.nodes['model.fixture.a']).toMatchObject({ compiledSql: `select 'a<b & c>d' as op, 'O''Brien' as name, '{"k":[1,2]}' as obj` });
  });

  it('inlines ephemeral models as CTEs, nested ephemerals included, and leaves them out of the plan', async () => {
    const graph = await compileFixture({
      'models/m/e1.sql': "{{config materialized='ephemeral'}}select 1 as id;",
      'models/m/e2.sql': "{{config materialized='ephemeral'}}select id + 1 as id from {{ref 'e1'}}",
      'models/m/final.sql': "select * from {{ref 'e2'}} union all select * from {{ref 'e1'}}",
    });
    const final = graph.nodes['model.fixture.final'];
    if (final?.kind !== 'model') throw new Error('missing');
    expect(final.dependsOn).toEqual(['model.fixture.e1', 'model.fixture.e2']);
    expect(squash(final.compiledSql)).toBe(
      'WITH "__revrec_ephemeral__e2" AS ( WITH "__revrec_ephemeral__e1" AS ( select 1 as id ) SELECT * FROM ( select id + 1 as id from "__revrec_ephemeral__e1" ) AS "__revrec_model" ), ' +
        '"__revrec_ephemeral__e1" AS ( select 1 as id ) SELECT * FROM ( select * from "__revrec_ephemeral__e2" union all select * from "__revrec_ephemeral__e1" ) AS "__revrec_model"',
    );
  });

  it('macros work as partials with named arguments and may call ref', async () => {
    const graph = await compileFixture({
      'macros/from_orders.hbs': "from {{ref 'orders'}} where amount > {{min}}",
      'models/m/orders.sql': 'select 1 as amount',
      'models/m/big.sql': 'select * {{> from_orders min=10}}',
    });
    expect(graph.nodes['model.fixture.big']).toMatchObject({
      compiledSql: 'select * from "m"."orders" where amount > 10',
      dependsOn: ['model.fixture.orders'],
    });
  });

  it('generic and singular tests become test nodes with readable names, depending on what they read', async () => {
    const graph = await compileFixture({
      'sources/raw.yml': SOURCES.replace('        - name: orders', '        - name: orders\n          columns:\n            - name: id\n              tests: [unique]'),
      'models/m/parent.sql': 'select 1 as id',
      'models/m/child.sql': "select 1 as id, 1 as parent_id, 'a' as status from {{ref 'parent'}}",
      'models/m/schema.yml': `
        models:
          - name: child
            tests:
              - expression: {expression: "id > 0", severity: warn}
            columns:
              - name: parent_id
                tests:
                  - not_null
                  - relationships: {to: ref('parent'), field: id}
              - name: status
                data_tests:
                  - accepted_values: {values: [a, b], where: "id > 0"}
      `,
      'data-tests/no_orphans.sql': "-- severity: warn\n-- tags: audit\nselect * from {{ref 'child'}} where id is null;",
    });
    const tests = Object.values(graph.nodes).filter((n) => n.kind === 'test');
    expect(tests.map((t) => t.id).sort()).toEqual([
      'test.fixture.accepted_values_child_status',
      expect.stringMatching(/^test\.fixture\.expression_child_[0-9a-f]{8}$/),
      'test.fixture.no_orphans',
      'test.fixture.not_null_child_parent_id',
      'test.fixture.relationships_child_parent_id__id__parent',
      'test.fixture.unique_raw_orders_id',
    ]);
    expect(graph.nodes['test.fixture.relationships_child_parent_id__id__parent']).toMatchObject({
      dependsOn: ['model.fixture.child', 'model.fixture.parent'],
      attachedTo: 'model.fixture.child',
      severity: 'error',
    });
    expect(graph.nodes['test.fixture.no_orphans']).toMatchObject({
      testType: 'singular',
      severity: 'warn',
      tags: ['audit'],
      dependsOn: ['model.fixture.child'],
    });
    const singular = graph.nodes['test.fixture.no_orphans'];
    if (singular?.kind !== 'test') throw new Error('missing');
    expect(singular.compiledSql.endsWith(';')).toBe(false);
    expect(singular.compiledSql).toContain('from "m"."child"');
  });
});
