import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledGraph, GraphNode } from '../../../src/compile/graph-types.js';
import { parseAtom, selectNodes } from '../../../src/compile/selection.js';
import { ConfigError } from '../../../src/errors.js';
import { compileFixture } from './compile-helpers.js';
import { LAYERED_PROJECT } from './layered-project.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await compileFixture(LAYERED_PROJECT);
});

const MODELS: GraphNode['kind'][] = ['model'];
const BUILD: GraphNode['kind'][] = ['seed', 'model', 'test'];

/** Selected names, sorted, for readable expectations. */
function names(select: string[] | undefined, kinds = MODELS, exclude?: string[]): string[] {
  return selectNodes(graph, { ...(select ? { select } : {}), ...(exclude ? { exclude } : {}), kinds })
    .map((id) => graph.nodes[id]!.name)
    .sort();
}

describe('selection grammar', () => {
  it('parses atoms with depth, @ and methods', () => {
    expect(parseAtom('2+stg_orders+')).toEqual({ method: 'fqn', value: 'stg_orders', parents: 2, children: Infinity, at: false });
    expect(parseAtom('@tag:finance')).toEqual({ method: 'tag', value: 'finance', parents: undefined, children: undefined, at: true });
    expect(parseAtom('config.materialized:table+1')).toMatchObject({ method: 'config.materialized', value: 'table', children: 1 });
    expect(() => parseAtom('@a+')).toThrow(ConfigError);
  });

  it('no selection selects every node of the wanted kinds, in graph order', () => {
    expect(names(undefined)).toEqual(['dim_customers', 'exp_revenue', 'fct_revenue', 'int_orders', 'stg_customers', 'stg_orders']);
    expect(selectNodes(graph, { kinds: ['seed'] })).toEqual(['seed.fixture.fx']);
  });

  it('a bare name, a glob and an fqn', () => {
    expect(names(['stg_orders'])).toEqual(['stg_orders']);
    expect(names(['stg_*'])).toEqual(['stg_customers', 'stg_orders']);
    expect(names(['staging.stg_orders'])).toEqual(['stg_orders']);
    expect(names(['fixture.marts.*'])).toEqual(['dim_customers', 'fct_revenue']);
  });

  it('+name adds every ancestor, N+name only N levels', () => {
    expect(names(['+fct_revenue'])).toEqual(['fct_revenue', 'int_orders', 'stg_customers', 'stg_orders']);
    expect(names(['1+fct_revenue'])).toEqual(['fct_revenue', 'int_orders', 'stg_customers']);
    expect(names(['+fct_revenue'], ['seed', 'model'])).toContain('fx');
  });

  it('name+ adds every descendant, name+N only N levels', () => {
    expect(names(['stg_orders+'])).toEqual(['exp_revenue', 'fct_revenue', 'int_orders', 'stg_orders']);
    expect(names(['stg_orders+1'])).toEqual(['int_orders', 'stg_orders']);
    expect(names(['1+int_orders+1'])).toEqual(['fct_revenue', 'int_orders', 'stg_orders']);
  });

  it('@name: the node, its descendants and all their ancestors', () => {
    expect(names(['@int_orders'])).toEqual(['exp_revenue', 'fct_revenue', 'int_orders', 'stg_customers', 'stg_orders']);
  });

  it('tag:, path: (folder or glob), source:, config.materialized:, resource_type:', () => {
    expect(names(['tag:finance'])).toEqual(['fct_revenue', 'stg_orders']);
    expect(names(['path:models/staging'])).toEqual(['stg_customers', 'stg_orders']);
    expect(names(['path:models/staging/'])).toEqual(['stg_customers', 'stg_orders']);
    expect(names(['path:models/*/dim_*.sql'])).toEqual(['dim_customers']);
    expect(names(['source:raw.customers+'])).toEqual(['dim_customers', 'exp_revenue', 'fct_revenue', 'stg_customers']);
    expect(names(['source:raw'], ['source'])).toEqual(['raw.customers', 'raw.orders']);
    expect(names(['config.materialized:table'])).toEqual(['fct_revenue', 'int_orders']);
    expect(names(['config.materialized:view'])).toEqual(['dim_customers', 'exp_revenue', 'stg_customers', 'stg_orders']);
    expect(names(['resource_type:seed'], BUILD)).toEqual(['fx']);
  });

  it('space is a union, comma an intersection, repeated --select a union too', () => {
    expect(names(['stg_orders dim_customers'])).toEqual(['dim_customers', 'stg_orders']);
    expect(names(['stg_orders', 'dim_customers'])).toEqual(['dim_customers', 'stg_orders']);
    expect(names(['tag:finance,config.materialized:table'])).toEqual(['fct_revenue']);
    expect(names(['+exp_revenue,path:models/staging exp_revenue'])).toEqual(['exp_revenue', 'stg_customers', 'stg_orders']);
  });

  it('--exclude removes nodes after selection, with the same grammar', () => {
    expect(names(['+fct_revenue'], MODELS, ['stg_customers'])).toEqual(['fct_revenue', 'int_orders', 'stg_orders']);
    expect(names(undefined, MODELS, ['path:models/staging', 'tag:finance'])).toEqual(['dim_customers', 'exp_revenue', 'int_orders']);
    expect(names(undefined, MODELS, ['int_orders+'])).toEqual(['dim_customers', 'stg_customers', 'stg_orders']);
  });

  it('tests are selected indirectly when a node they test is selected (eager)', () => {
    expect(names(['fct_revenue'], BUILD)).toEqual(['fct_revenue', 'relationships_fct_revenue_customer_id__id__dim_customers', 'unique_fct_revenue_id']);
    expect(names(['dim_customers'], ['test'])).toEqual(['relationships_fct_revenue_customer_id__id__dim_customers']);
    expect(names(['test_type:generic'], ['test'])).toHaveLength(3);
  });

  it('tests of an excluded node are excluded with it', () => {
    expect(names(undefined, BUILD, ['stg_orders'])).not.toContain('not_null_stg_orders_id');
    expect(names(undefined, ['test'], ['fct_revenue'])).toEqual(['not_null_stg_orders_id']);
  });

  it('a selector that matches nothing, or an unknown method, is a usage error', () => {
    expect(() => names(['stg_ordrs'])).toThrow(/selector "stg_ordrs" matches no node/);
    expect(() => names(['colour:red'])).toThrow(ConfigError);
  });
});
