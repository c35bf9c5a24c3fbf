-- The slice of the books today's files can change, when int_build_scope.full_rechain is false: every order a new
-- order row, invoice row or commission row touches, with all its items (of any version, so an item that moved to
-- another order dirties both). A document or commission touches the order of the item it names, in any version of
-- its key. A new or corrected rate of a currency on date d can move only lookups on or after d (a lookup takes the
-- latest rate on or before its date), so it touches the orders whose lines, documents or commissions in that
-- currency are dated on or after d (contract rate: the order date; documents: the billing date; commissions: theirs). The models after staging replace exactly this slice (macros in_rechain_orders, in_rechain_items,
-- in_rechain_lines) plus the few rows outside any order (general-import and invoice-as-contract lines, rows in
-- error), which they always recompute. Empty when the build recomputes everything.
with scope as (select previous_version, full_rechain from {{ref 'int_build_scope'}}),
rate_changes as (
    select currency, min(rate_date) as from_date
    from (
        select from_currency as currency, rate_date from {{ref 'stg_fx_rates'}} as r
        where r.record_key in (select record_key from {{ref 'stg_fx_rates'}} where _version > (select previous_version from scope))
        union all
        select to_currency, rate_date from {{ref 'stg_fx_rates'}} as r
        where r.record_key in (select record_key from {{ref 'stg_fx_rates'}} where _version > (select previous_version from scope))
    )
    where rate_date is not null and currency is not null
    group by currency
),
changed_items as (
    select o.sales_order_item_id from {{ref 'stg_orders'}} as o
    join rate_changes as r on r.currency = o.currency and o.order_date >= r.from_date
    where o.row_status = 'current'
    union
    select d.sales_order_item_id from {{ref 'stg_invoices'}} as d
    join rate_changes as r on r.currency = d.currency and d.billing_date >= r.from_date
    where d.row_status = 'current'
    union
    select c.sales_order_item_id from {{ref 'stg_commissions'}} as c
    join rate_changes as r on r.currency = c.currency and c.commission_date >= r.from_date
    where c.row_status = 'current'
    union
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
