import type { ProjectFiles } from '../../support/fixture-project.js';

/** A small layered project: raw → staging → intermediate → marts → exports, with tests. */
export const LAYERED_PROJECT: ProjectFiles = {
  'sources/raw.yml': `
    sources:
      - name: raw
        tables:
          - name: orders
          - name: customers
  `,
  'seeds/fx.csv': 'ccy,rate\nEUR,1\n',
  'models/staging/stg_orders.sql': "{{config tags='finance'}}select 1 as id, 1 as customer_id from {{source 'raw' 'orders'}}",
  'models/staging/stg_customers.sql': "select 1 as id from {{source 'raw' 'customers'}}",
  'models/intermediate/int_orders.sql': "{{config materialized='table'}}select o.* from {{ref 'stg_orders'}} o, {{ref 'fx'}}",
  'models/marts/fct_revenue.sql': "{{config materialized='table' tags='finance'}}select i.* from {{ref 'int_orders'}} i join {{ref 'stg_customers'}} c on c.id = i.customer_id",
  'models/marts/dim_customers.sql': "select * from {{ref 'stg_customers'}}",
  'models/exports/exp_revenue.sql': "select * from {{ref 'fct_revenue'}}",
  'models/staging/schema.yml': `
    models:
      - name: stg_orders
        columns:
          - name: id
            tests: [not_null]
  `,
  'models/marts/schema.yml': `
    models:
      - name: fct_revenue
        columns:
          - name: id
            tests: [unique]
          - name: customer_id
            tests:
              - relationships: {to: ref('dim_customers'), field: id}
  `,
};
