{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(concat "sales_order_item_id in (select item from (" (orphan_candidates) "))") full_refresh_if=(rechain_all)}}
-- The order item ids that staged order, invoice and commission rows name but that are no current order item
-- (invoice-as-contract keys, rows in error, items whose order rows were superseded), and '' when a row names none:
-- the ids int_side_scope may put in a daily slice by key (an id of a current order item is in the slice only with
-- its order, int_rechain_scope, whose order lines the models then read).
-- Listed once per run, after int_order_lines, so the slice predicates probe this short list instead of hashing every
-- order item again (about 50 ms per use at 1M lines, eleven uses).
-- A daily build recomputes only the ids whose answer can have changed (macro orphan_candidates): the ids today's
-- staged rows name (a staged row is never removed but by a stage deletion or a full reload, which rebuild
-- everything, so an id stays named), and the items of the orders int_order_lines replaced (int_rechain_scope), which
-- may have joined or left it. Every candidate is named by a staged row, so it is an orphan exactly when it is no
-- current order item. Listing every id took 0.13 s of each daily build at 1M lines, the candidates about 0.09 s.
select distinct coalesce(item, '') as sales_order_item_id
from (
    {{#is_incremental}}
    select item from ({{orphan_candidates}})
    {{else}}
    select sales_order_item_id as item from {{ref 'stg_orders'}}
    union all
    select sales_order_item_id from {{ref 'stg_invoices'}}
    union all
    select sales_order_item_id from {{ref 'stg_commissions'}}
    {{/is_incremental}}
)
where coalesce(item, '') not in (select sales_order_item_id from {{ref 'int_order_lines'}})
