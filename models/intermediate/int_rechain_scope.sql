-- The slice of the books today's files can change, when int_build_scope.full_rechain is false: every order a new
-- order row, invoice row, commission row, general-import row or exclusion touches, with all its items (of any version, so an
-- item that moved to another order dirties both). A document, commission or general-import row (an override or
-- split part) touches the order of the item it names, in any version of its key. A new or corrected rate of a currency on date d can move only lookups from d to that currency's next rate
-- date, so it touches the orders whose lines, documents or commissions in that currency are dated in that window
-- (contract rate: the order date; documents: the billing date; commissions: theirs). After a close, the periods it
-- opened take in the rows dated in them (held before: orders, documents, commissions, general-import rows), so
-- every order with such a row is in the slice; every line's current period moved too, which the models indexed by it
-- answer by rebuilding in full (macro rechain_all_or_period_moved) and the future schedule by dropping the opened
-- period's rows (macro in_future_schedule_slice). The models after staging replace exactly this slice (macros
-- in_rechain_orders, in_rechain_items, in_rechain_lines) plus the rows outside any order whose keys today's files
-- touch (general-import and invoice-as-contract lines, rows in error: int_side_scope). Empty when the build
-- recomputes everything.
-- When the build recomputes everything, nothing is read: every branch below takes rows above a version no row has
-- (macro rechain_since_version; a first build would otherwise gather every order into a slice no model uses: 1.1 s
-- at 1M lines).
-- the date windows whose rows the slice takes (macro rechain_date_windows): a touched rate's lookups, the periods a
-- close opened
with date_windows as ({{rechain_date_windows}}),
-- the ids today's exclusion rows name (every version of their keys: an exclusion added or taken back)
changed_exclusions as (
    select transaction_id as id from {{ref 'stg_exclusions'}}
    where {{in_landed_keys 'stg_exclusions'}}
),
changed_items as (
    -- an order line by its order date (the contract rate's date), a document by its billing date, a commission by its date
    {{#each (list (list "stg_orders" "order_date") (list "stg_invoices" "billing_date") (list "stg_commissions" "commission_date"))}}
    select x.sales_order_item_id from {{ref (lookup this 0)}} as x
    join date_windows as w on x.{{lookup this 1}} >= w.from_date and (x.{{lookup this 1}} < w.to_date or w.to_date is null)
        and (w.kind = 'opened' or w.currency = x.currency)
    where x.row_status = 'current'
    union
    {{/each}}
    -- a general-import row names an order item by its Transaction_ID (the others are lines of their own:
    -- int_side_scope); rates do not move it
    select g.transaction_id from {{ref 'stg_general_import'}} as g
    join date_windows as w on w.kind = 'opened' and g.booked_date >= w.from_date and g.booked_date < w.to_date
    where g.row_status = 'current'
    union
    select sales_order_item_id from {{ref 'stg_orders'}}
    where _version > {{rechain_since_version}}
    union
    -- an exclusion takes out an order, an item, or the orders with that reference invoice (joins, not IN: with no
    -- exclusion today DuckDB then skips the scans of the order rows)
    select o.sales_order_item_id from {{ref 'stg_orders'}} as o join changed_exclusions as x on o.sales_order_id = x.id
    union
    select o.sales_order_item_id from {{ref 'stg_orders'}} as o join changed_exclusions as x on o.sales_order_item_id = x.id
    union
    select o.sales_order_item_id from {{ref 'stg_orders'}} as o join changed_exclusions as x on o.reference_invoice_number = x.id
    union
    -- and an invoice-as-contract INV by its number: one naming an order item's id is a clash, in error or excluded
    select d.sales_order_item_id from {{ref 'stg_invoices'}} as d join changed_exclusions as x on d.invoice_number = x.id
    union
    -- today's general-import rows (every version of their keys): an override or split part of the item it names
    select g.transaction_id from {{ref 'stg_general_import'}} as g
    where g.{{in_landed_keys 'stg_general_import'}}
    union
    select d.sales_order_item_id from {{ref 'stg_invoices'}} as d
    where d.{{in_landed_keys 'stg_invoices'}}
    union
    select c.sales_order_item_id from {{ref 'stg_commissions'}} as c
    where c.{{in_landed_keys 'stg_commissions'}}
),
changed_orders as (
    select distinct sales_order_id from {{ref 'stg_orders'}}
    where sales_order_item_id in (select sales_order_item_id from changed_items) and sales_order_id is not null
)
select distinct o.sales_order_id, o.sales_order_item_id, 'O|' || o.sales_order_item_id as line_key
from {{ref 'stg_orders'}} as o
where o.sales_order_id in (select sales_order_id from changed_orders)
  and o.sales_order_item_id is not null
  and not (select full_rechain from {{ref 'int_build_scope'}})
