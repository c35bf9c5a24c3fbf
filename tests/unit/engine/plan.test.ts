import { describe, expect, it } from 'vitest';
import { buildPlan, formatPlan } from '../../../src/plan/build-plan.js';
import type { Plan } from '../../../src/plan/plan-types.js';
import { compileFixture } from './compile-helpers.js';
import { LAYERED_PROJECT } from './layered-project.js';

const position = (plan: Plan, name: string) => plan.steps.findIndex((s) => s.name === name);

describe('plan', () => {
  it('build: seeds, models and tests in DAG order; dependents wait for the tests of what they read', async () => {
    const graph = await compileFixture(LAYERED_PROJECT);
    const plan = buildPlan(graph, { command: 'build' });
    expect(plan.steps.map((s) => `${s.index} ${s.action} ${s.name}`)).toEqual([
      '1 create view stg_customers',
      '2 create view dim_customers',
      '3 create view stg_orders',
      '4 load seed fx',
      '5 run test not_null_stg_orders_id',
      '6 build table int_orders',
      '7 build table fct_revenue',
      '8 run test relationships_fct_revenue_customer_id__id__dim_customers',
      '9 run test unique_fct_revenue_id',
      '10 create view exp_revenue',
    ]);
    const intOrders = plan.steps.find((s) => s.name === 'int_orders')!;
    expect(intOrders.after).toEqual(['model.fixture.stg_orders', 'seed.fixture.fx', 'test.fixture.not_null_stg_orders_id']);
    const exp = plan.steps.find((s) => s.name === 'exp_revenue')!;
    // The relationships test also reads dim_customers, which exp_revenue does not: it does not hold exp_revenue back.
    expect(exp.after).toEqual(['model.fixture.fct_revenue', 'test.fixture.unique_fct_revenue_id']);
    expect(plan.steps.find((s) => s.name === 'unique_fct_revenue_id')).toMatchObject({ target: 'model.fixture.fct_revenue', after: ['model.fixture.fct_revenue'] });
  });

  it('a relationships test from a model to one of its own parents does not create a cycle in build', async () => {
    const graph = await compileFixture({
      'models/m/customers.sql': 'select 1 as id',
      'models/m/orders.sql': "select 1 as id, c.id as customer_id from {{ref 'customers'}} c",
      'models/m/report.sql': "select * from {{ref 'orders'}}",
      'models/m/schema.yml': "models:\n  - name: orders\n    columns:\n      - name: customer_id\n        tests:\n          - relationships: {to: ref('customers'), field: id}\n",
    });
    const plan = buildPlan(graph, { command: 'build' });
    expect(plan.steps.map((s) => s.name)).toEqual(['customers', 'orders', 'relationships_orders_customer_id__id__customers', 'report']);
    expect(plan.steps.find((s) => s.name === 'orders')!.after).toEqual(['model.fixture.customers']);
  });

  it('relationships tests crossing two branches do not hold each other back in a cycle', async () => {
    const graph = await compileFixture({
      'models/m/a.sql': 'select 1 as id',
      'models/m/b.sql': 'select 1 as id',
      'models/m/x.sql': "select id from {{ref 'a'}}",
      'models/m/y.sql': "select id from {{ref 'b'}}",
      'models/m/both.sql': "select * from {{ref 'x'}}, {{ref 'a'}}",
      'models/m/schema.yml': `
        models:
          - name: x
            columns:
              - name: id
                tests: [{relationships: {to: ref('b'), field: id}}]
          - name: y
            columns:
              - name: id
                tests: [{relationships: {to: ref('a'), field: id}}]
      `,
    });
    const plan = buildPlan(graph, { command: 'build' });
    expect(plan.steps).toHaveLength(7);
    const after = (name: string) => plan.steps.find((s) => s.name === name)!.after;
    expect(after('x')).toEqual(['model.fixture.a']);
    expect(after('y')).toEqual(['model.fixture.b']);
    // relationships_x… reads x and b; `both` reads x and a, not b, so it does not wait for that test.
    expect(after('both')).toEqual(['model.fixture.a', 'model.fixture.x']);
  });

  it('a multi-parent test holds back a child that reads everything the test reads', async () => {
    const graph = await compileFixture({
      'models/m/customers.sql': 'select 1 as id',
      'models/m/orders.sql': 'select 1 as id, 1 as customer_id',
      'models/m/report.sql': "select * from {{ref 'orders'}} join {{ref 'customers'}} on true",
      'models/m/orders_only.sql': "select * from {{ref 'orders'}}",
      'models/m/schema.yml': "models:\n  - name: orders\n    columns:\n      - name: customer_id\n        tests:\n          - relationships: {to: ref('customers'), field: id}\n",
    });
    const plan = buildPlan(graph, { command: 'build' });
    const after = (name: string) => plan.steps.find((s) => s.name === name)!.after;
    expect(after('report')).toContain('test.fixture.relationships_orders_customer_id__id__customers');
    expect(after('orders_only')).toEqual(['model.fixture.orders']);
  });

  it('run leaves out seeds and tests; test only tests; ephemeral models never appear but still order their readers', async () => {
    const graph = await compileFixture({
      ...LAYERED_PROJECT,
      'models/intermediate/int_orders.sql': "{{config materialized='ephemeral'}}select o.* from {{ref 'stg_orders'}} o, {{ref 'fx'}}",
    });
    const run = buildPlan(graph, { command: 'run' });
    expect(run.steps.every((s) => s.kind === 'model')).toBe(true);
    expect(run.steps.map((s) => s.name)).not.toContain('int_orders');
    expect(run.steps.find((s) => s.name === 'fct_revenue')!.after).toEqual(['model.fixture.stg_customers', 'model.fixture.stg_orders']);
    expect(buildPlan(graph, { command: 'test' }).steps.every((s) => s.kind === 'test')).toBe(true);
    expect(buildPlan(graph, { command: 'seed' }).steps.map((s) => s.name)).toEqual(['fx']);
  });

  it('selection keeps the order of what runs, looking through unselected nodes', async () => {
    const graph = await compileFixture(LAYERED_PROJECT);
    const plan = buildPlan(graph, { command: 'run', select: ['stg_orders exp_revenue'] });
    expect(plan.steps.map((s) => s.name)).toEqual(['stg_orders', 'exp_revenue']);
    expect(plan.steps[1]!.after).toEqual(['model.fixture.stg_orders']);
  });

  it('incremental actions follow warehouse state and --full-refresh', async () => {
    const graph = await compileFixture({
      'models/m/inc.sql': "{{config materialized='incremental' unique_key='id'}}select 1 as id",
      'models/m/keep.sql': "{{config materialized='incremental' full_refresh=false incremental_strategy='append'}}select 1 as id",
      'models/m/di.sql': "{{config materialized='incremental' unique_key='id' incremental_strategy='delete+insert'}}select 1 as id",
    });
    const action = (plan: Plan, name: string) => plan.steps[position(plan, name)]!.action;
    const fresh = buildPlan(graph, { command: 'run', existingRelations: new Set() });
    expect(['inc', 'keep', 'di'].map((n) => action(fresh, n))).toEqual(['create incremental', 'create incremental', 'create incremental']);
    const existing = new Set(['"m"."inc"', '"m"."keep"', '"m"."di"']);
    const again = buildPlan(graph, { command: 'run', existingRelations: existing });
    expect(['inc', 'keep', 'di'].map((n) => action(again, n))).toEqual(['incremental merge', 'incremental append', 'incremental delete+insert']);
    const refresh = buildPlan(graph, { command: 'run', existingRelations: existing, fullRefresh: true });
    expect(['inc', 'keep', 'di'].map((n) => action(refresh, n))).toEqual(['full refresh incremental', 'incremental append', 'full refresh incremental']);
    expect(refresh.fullRefresh).toBe(true);
  });

  it('is plain data with a schema version and prints for --dry-run', async () => {
    const graph = await compileFixture(LAYERED_PROJECT);
    const plan = buildPlan(graph, { command: 'build', select: ['+int_orders'] });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.schemaVersion).toBe('revrec/plan/v1');
    expect(formatPlan(plan).split('\n')).toEqual([
      'Plan for build: 4 step(s)',
      '1. create view                "staging"."stg_orders"',
      '2. load seed                  "seeds"."fx"',
      '3. run test                   not_null_stg_orders_id',
      '4. build table                "intermediate"."int_orders"',
    ]);
  });
});
