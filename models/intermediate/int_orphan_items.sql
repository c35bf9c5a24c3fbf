-- The order item ids that staged order, invoice and commission rows name but that are no current order item
-- (invoice-as-contract keys, rows in error, items whose order rows were superseded), and '' when a row names none:
-- the rows naming them are in every daily slice (macro in_rechain_items), since rules reach across orders for them.
-- Listed once per run, after int_order_lines, so the slice predicates probe this short list instead of hashing every
-- order item again (about 50 ms per use at 1M lines, eleven uses). Empty when the build recomputes everything.
select distinct coalesce(item, '') as sales_order_item_id
from (
    select sales_order_item_id as item from {{ref 'stg_orders'}}
    union all
    select sales_order_item_id from {{ref 'stg_invoices'}}
    union all
    select sales_order_item_id from {{ref 'stg_commissions'}}
)
where not (select full_rechain from {{ref 'int_build_scope'}})
  and coalesce(item, '') not in (select sales_order_item_id from {{ref 'int_order_lines'}})
