-- The slice of the books today's files can change, when int_build_scope.full_rechain is false: every order a new
-- order row, invoice row or commission row touches, with all its items (of any version, so an item that moved to
-- another order dirties both). A document or commission touches the order of the item it names, in any version of
-- its key. The models after staging replace exactly this slice (macros in_rechain_orders, in_rechain_items,
-- in_rechain_lines) plus the few rows outside any order (general-import and invoice-as-contract lines, rows in
-- error), which they always recompute. Empty when the build recomputes everything.
with scope as (select previous_version, full_rechain from {{ref 'int_build_scope'}}),
changed_items as (
    select sales_order_item_id from {{ref 'stg_orders'}}
    where _version > (select previous_version from scope)
    union
    select d.sales_order_item_id from {{ref 'stg_invoices'}} as d
    where d.record_key in (select record_key from {{ref 'stg_invoices'}} where _version > (select previous_version from scope))
    union
    select c.sales_order_item_id from {{ref 'stg_commissions'}} as c
    where c.record_key in (select record_key from {{ref 'stg_commissions'}} where _version > (select previous_version from scope))
),
changed_orders as (
    select distinct sales_order_id from {{ref 'stg_orders'}}
    where sales_order_item_id in (select sales_order_item_id from changed_items) and sales_order_id is not null
)
select distinct o.sales_order_id, o.sales_order_item_id, 'O|' || o.sales_order_item_id as line_key
from {{ref 'stg_orders'}} as o
where o.sales_order_id in (select sales_order_id from changed_orders)
  and o.sales_order_item_id is not null
  and not (select full_rechain from scope)
