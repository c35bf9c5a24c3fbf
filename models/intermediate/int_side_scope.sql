-- The slice of the rows outside any order that today's files can change, when int_build_scope.full_rechain is false:
-- external general-import lines, invoice-as-contract lines and the documents and commissions that reach them, and
-- rows naming no current order item (rows in error). Built after int_orphan_items; the models after staging replace
-- these with the orders' slice (int_rechain_scope): macros in_rechain_items, in_document_slice, in_rechain_lines.
-- Such rows reach each other by key, not by order: a document or commission names an item id (an order item's, an
-- invoice-as-contract line's, an external line's `T[:S]`); an IVC or CM without item id names its invoice-as-contract
-- INV by Reference_Document, a CMC its CM. A key is touched when:
--   an order of int_rechain_scope has an item of that id (a general-import row turns into an override, an
--   invoice-as-contract key clashes, a row in error finds its item, or the reverse);
--   an invoice or commission row of today names it (any version of its key: item id, Invoice_Number,
--   Reference_Document), or one dated in a touched rate's window in its currency or in the periods a close opened
--   (macro rechain_date_windows); likewise a current external general-import row by its Booked_Date (its contract
--   rate; held before a close);
--   a general-import row of today names it (T or T:S, any version of its key), or an exclusion of today (or the item
--   of the invoice-as-contract INV whose number it names);
--   it is linked to a touched key through a CM (its number and its Reference_Document): a CMC reaches its INV through
--   its CM, and all documents of one line are sequenced together;
--   it is the key of a line that is recomputed (a split external line `T:S` reached through `T`).
-- A touched key that is a current order item's id is left to that item's order: int_rechain_scope adds the order
-- whenever such an item's rows can change (the rules above add those items there too).
-- Rows:
--   item_key  ids of order-item columns to recompute: touched keys that are no current order item (int_orphan_items),
--             and '' (rows naming none: the dispositions of such rows are always recomputed);
--   doc_key   touched keys, for the documents that name no item (macro in_document_slice);
--   line_key  the external and invoice-as-contract lines with a touched key (of any version of their rows), with
--             line_order_id and line_item_id as int_contract_lines has them (sales_order_id, sales_order_item_id):
--             the change log names the lines by them (src/periods/change-log.ts).
-- Empty when the build recomputes everything (every branch reads rows above macro rechain_since_version).
with recursive date_windows as ({{rechain_date_windows}}),
-- the ids today's exclusion rows name (every version of their keys)
changed_exclusions as (
    select transaction_id as id from {{ref 'stg_exclusions'}}
    where {{in_landed_keys 'stg_exclusions'}}
),
changed_documents as (
    select * from {{ref 'stg_invoices'}}
    where {{in_landed_keys 'stg_invoices'}}
    union all by name
    select d.* from {{ref 'stg_invoices'}} as d
    join date_windows as w on d.billing_date >= w.from_date and (d.billing_date < w.to_date or w.to_date is null)
        and (w.kind = 'opened' or w.currency = d.currency)
    where d.row_status = 'current'
),
seed_keys as (
    select sales_order_item_id as k from {{ref 'int_rechain_scope'}}
    union
    select unnest([sales_order_item_id, invoice_number, reference_document]) from changed_documents
    union
    select c.sales_order_item_id from {{ref 'stg_commissions'}} as c
    where c.{{in_landed_keys 'stg_commissions'}}
    union
    select c.sales_order_item_id from {{ref 'stg_commissions'}} as c
    join date_windows as w on c.commission_date >= w.from_date and (c.commission_date < w.to_date or w.to_date is null)
        and (w.kind = 'opened' or w.currency = c.currency)
    where c.row_status = 'current'
    union
    -- today's exclusions: an external or invoice-as-contract line by its key, or an invoice-as-contract INV by its
    -- number (its line is keyed by its item id)
    select id from changed_exclusions
    union
    select unnest([d.sales_order_item_id, d.invoice_number]) from {{ref 'stg_invoices'}} as d join changed_exclusions as x on d.invoice_number = x.id
    union
    -- today's general-import rows (every version of their keys): an external line, or a row that names the key of one
    select unnest([g.transaction_id, g.transaction_id || coalesce(':' || g.split_transaction_id, '')]) from {{ref 'stg_general_import'}} as g
    where g.{{in_landed_keys 'stg_general_import'}}
    union
    select unnest([g.transaction_id, g.transaction_id || coalesce(':' || g.split_transaction_id, '')]) from {{ref 'stg_general_import'}} as g
    join date_windows as w on g.booked_date >= w.from_date and (g.booked_date < w.to_date or w.to_date is null)
        and (w.kind = 'opened' or w.currency = g.currency)
    where g.row_status = 'current'
),
-- every CM links its number and the document it names, both ways (an INV reaches its CMCs, a CMC its INV)
cm_links as (
    select invoice_number as a, reference_document as b from {{ref 'stg_invoices'}}
    where document_type = 'CM' and invoice_number is not null and reference_document is not null
    union
    select reference_document, invoice_number from {{ref 'stg_invoices'}}
    where document_type = 'CM' and invoice_number is not null and reference_document is not null
),
-- the touched keys and every key linked to one, to a fixed point (UNION: each key once, so it ends)
touched_keys(k) as (
    select k from seed_keys where k is not null
    union
    select l.b from touched_keys as t join cm_links as l on l.a = t.k
),
-- the lines with a touched key (of any version of their rows), with their keys as int_contract_lines has them
side_lines as (
    select distinct 'G|' || transaction_id || coalesce(':' || split_transaction_id, '') as line_key,
        transaction_id as line_order_id, transaction_id || coalesce(':' || split_transaction_id, '') as line_item_id
    from {{ref 'stg_general_import'}}
    where transaction_id in (select k from touched_keys) or transaction_id || coalesce(':' || split_transaction_id, '') in (select k from touched_keys)
    union all
    select distinct 'I|' || invoice_number || '|' || coalesce(sales_order_item_id, invoice_number), null, coalesce(sales_order_item_id, invoice_number)
    from {{ref 'stg_invoices'}}
    where sales_order_id is null and document_type = 'INV' and coalesce(sales_order_item_id, invoice_number) in (select k from touched_keys)
),
-- a recomputed line's own key is touched too: a split external line `T:S` is reached through `T` (an order item T
-- turns its row into a split part), and the commissions naming `T:S` follow it
all_keys as (
    select k from touched_keys
    union
    select line_item_id from side_lines
)
select k as item_key, cast(null as varchar) as doc_key, cast(null as varchar) as line_key,
    cast(null as varchar) as line_order_id, cast(null as varchar) as line_item_id
from all_keys where k in (select sales_order_item_id from {{ref 'int_orphan_items'}})
union all
select '', null, null, null, null where not (select full_rechain from {{ref 'int_build_scope'}})
union all
select null, k, null, null, null from all_keys
union all
select null, null, line_key, line_order_id, line_item_id from side_lines
