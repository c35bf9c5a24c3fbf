{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_document_slice) full_refresh_if=(rechain_all) keep_unchanged_rows=true}}
-- Every current billing document tied to its contract line, with its status: books (accepted), held (FUTURE_PERIOD
-- by Billing_Date, checked first; or its order item is held), excluded, or error (UNKNOWN_LINE, NO_CONTRACT_LINE,
-- UNKNOWN_REFERENCE, IVC_PARTIAL, CMC_PARTIAL, CM_EXCEEDS_BILLED). An INV without Sales_Order_Id that carries a
-- service period is an invoice-as-contract line of its own (line_kind 'invoice').
-- keep_unchanged_rows: a day's slice (every document of every touched order) mostly comes out as it was, since an
-- order's new price or item leaves its documents alone; only the documents that changed are written.
with settings as (select * from {{ref 'int_settings'}}),
docs as (select * from {{ref 'stg_invoices'}} where row_status = 'current'{{#is_incremental}} and {{in_document_slice}}{{/is_incremental}}),
excluded as (select transaction_id from {{ref 'int_exclusion_ids'}}),
-- the order items the documents of this build can name (all of them in a full build)
order_items as (
    select o.sales_order_item_id, o.currency, o.disposition, a.order_problem, o.order_date
    from {{rechain_input 'int_order_lines' orders='sales_order_id'}} as o
    left join {{rechain_input 'int_allocation' orders='sales_order_id'}} as a using (sales_order_item_id)
),
-- Invoice-as-contract lines: an INV row without Sales_Order_Id that carries both service dates (and is not dated
-- in a future period). Its key is its item id, or its invoice number when blank. It is excluded when that key or its
-- invoice number is listed; it makes no line (NO_CONTRACT_LINE) when the key is an order item's (in the books or
-- not) or, among rows of one key, it is not the first by Invoice_Number + Sales_Order_Item_Id.
iac_candidates as (
    select d._version, d._file, d._row, d.invoice_number, d.sales_order_item_id, d.currency, d.record_key,
        coalesce(d.sales_order_item_id, d.invoice_number) as item_id,
        'I|' || d.invoice_number || '|' || coalesce(d.sales_order_item_id, d.invoice_number) as line_key,
        case
            when coalesce(d.sales_order_item_id, d.invoice_number) in (select transaction_id from excluded)
              or d.invoice_number in (select transaction_id from excluded) then 'excluded'
            when coalesce(d.sales_order_item_id, d.invoice_number) in (select sales_order_item_id from {{ref 'int_order_lines'}}) then 'clash'
        end as early_status
    from docs as d
    cross join settings as s
    where d.sales_order_id is null and d.document_type = 'INV' and d.service_start_date is not null
      and {{period_of 'd.billing_date'}} <= s.current_period
),
iac as (
    select *,
        case
            when early_status is not null then early_status
            when row_number() over (partition by item_id, early_status is null order by record_key) > 1 then 'clash'
            else 'books'
        end as iac_status
    from iac_candidates
),
-- Lines a document can name by item id: invoice-as-contract lines in the books or excluded (not clashing ones); one
-- per key, the line in the books first.
iac_lines as (
    select item_id, invoice_number, sales_order_item_id, line_key, currency, iac_status
    from iac
    where iac_status in ('books', 'excluded')
    qualify row_number() over (partition by item_id order by iac_status = 'books' desc, record_key) = 1
),
direct as (
    select d.*,
        oi.disposition as item_disposition, oi.order_problem, oi.currency as item_currency,
        own.iac_status, own.line_key as own_line_key,
        iac_item.line_key as iac_line_by_item, iac_item.currency as iac_item_currency, iac_item.iac_status as iac_item_status,
        case
            when {{period_of 'd.billing_date'}} > s.current_period then 'FUTURE_PERIOD'
            when own.line_key is not null then 'IAC'
            when d.sales_order_item_id is not null and oi.sales_order_item_id is not null then
                case
                    when oi.disposition = 'held' then 'HELD_ITEM'
                    when oi.disposition = 'excluded' then 'EXCLUDED'
                    when oi.order_problem is not null then 'ITEM_STAGED'
                    when d.currency <> oi.currency then 'CURRENCY'
                    else 'ORDER_LINE'
                end
            when d.sales_order_item_id is not null and iac_item.line_key is not null then 'IAC_BY_ITEM'
            when d.sales_order_item_id is not null or d.sales_order_id is not null then 'UNKNOWN_ITEM'
            when d.document_type = 'INV' then 'NO_CONTRACT'
            else 'BY_REFERENCE'
        end as route
    from docs as d
    cross join settings as s
    left join order_items as oi on oi.sales_order_item_id = d.sales_order_item_id
    left join iac as own using (_version, _file, _row)
    left join iac_lines as iac_item on iac_item.item_id = d.sales_order_item_id
),
-- A document without any item id (IVC/CM/CMC of an invoice-as-contract line) reaches its line through the document
-- it names: an IVC or CM through an invoice-as-contract INV without item id of that number, a CMC through its CM
-- (which names such an INV).
by_reference as (
    select d._version, d._file, d._row,
        coalesce(i1.line_key, i2.line_key) as line_key,
        coalesce(i1.currency, i2.currency) as line_currency,
        coalesce(i1.iac_status, i2.iac_status) as line_status
    from direct as d
    left join (select * from iac_lines where sales_order_item_id is null) as i1
        on d.document_type in ('IVC', 'CM') and i1.invoice_number = d.reference_document
    left join (
        select cm.invoice_number as cm_number, i.line_key, i.currency, i.iac_status
        from docs as cm join (select * from iac_lines where sales_order_item_id is null) as i on i.invoice_number = cm.reference_document
        where cm.document_type = 'CM' and cm.sales_order_item_id is null and cm.sales_order_id is null
    ) as i2 on d.document_type = 'CMC' and i2.cm_number = d.reference_document
    where d.route = 'BY_REFERENCE'
),
routed as (
    select d.*,
        case d.route
            when 'ORDER_LINE' then 'O|' || d.sales_order_item_id
            when 'IAC' then d.own_line_key
            when 'IAC_BY_ITEM' then d.iac_line_by_item
            when 'BY_REFERENCE' then r.line_key
        end as line_key,
        case d.route when 'IAC_BY_ITEM' then d.iac_item_currency when 'BY_REFERENCE' then r.line_currency else d.currency end as line_currency,
        case d.route when 'IAC' then d.iac_status when 'IAC_BY_ITEM' then d.iac_item_status when 'BY_REFERENCE' then r.line_status end as line_status
    from direct as d
    left join by_reference as r using (_version, _file, _row)
),
mapped as (
    select *,
        case
            when route = 'FUTURE_PERIOD' then 'held'
            when route = 'HELD_ITEM' then 'held'
            when route = 'EXCLUDED' then 'excluded'
            when route in ('IAC', 'IAC_BY_ITEM', 'BY_REFERENCE') and line_status = 'excluded' then 'excluded'
            when route = 'ORDER_LINE' or (route = 'IAC' and line_status = 'books') then 'mapped'
            when route in ('IAC_BY_ITEM', 'BY_REFERENCE') and line_key is not null and line_currency = currency then 'mapped'
            else 'error'
        end as map_status,
        case
            when route in ('FUTURE_PERIOD', 'HELD_ITEM') then 'FUTURE_PERIOD'
            when route = 'EXCLUDED' then 'EXCLUDED'
            when route in ('IAC', 'IAC_BY_ITEM', 'BY_REFERENCE') and line_status = 'excluded' then 'EXCLUDED'
            when route = 'IAC' then 'NO_CONTRACT_LINE'
            when route = 'NO_CONTRACT' then 'NO_CONTRACT_LINE'
            when route = 'BY_REFERENCE' and line_key is null then 'NO_CONTRACT_LINE'
            when route in ('ITEM_STAGED', 'UNKNOWN_ITEM', 'CURRENCY') then 'UNKNOWN_LINE'
            when route in ('IAC_BY_ITEM', 'BY_REFERENCE') and line_currency <> currency then 'UNKNOWN_LINE'
        end as map_code,
        case
            when route = 'FUTURE_PERIOD' then 'Billing_Date ' || billing_date || ' is in a future period; the document waits in the stage area until that period is open'
            when route = 'HELD_ITEM' then 'order item ' || sales_order_item_id || ' is held for a future period; the document waits with it'
            when route = 'EXCLUDED' then 'order item ' || sales_order_item_id || ' is excluded from revenue'
            when route in ('IAC', 'IAC_BY_ITEM', 'BY_REFERENCE') and line_status = 'excluded' then 'invoice-as-contract line ' || split_part(line_key, '|', 3) || ' (invoice ' || split_part(line_key, '|', 2) || ') is excluded from revenue'
            when route = 'IAC' then 'this invoice-as-contract line would take the key ' || coalesce(sales_order_item_id, invoice_number) || ', which an order item or another invoice row already has; give the invoice row its own Sales_Order_Item_Id'
            when route = 'NO_CONTRACT' then 'INV ' || invoice_number || ' has no Sales_Order_Id and no service period, so it belongs to no contract line; give the order item or both service dates'
            when route = 'BY_REFERENCE' and line_key is null then document_type || ' ' || invoice_number || ' names no order item and its Reference_Document "' || coalesce(reference_document, '') || '" is no invoice-as-contract document; give Sales_Order_Item_Id'
            when route = 'ITEM_STAGED' then 'order item ' || sales_order_item_id || ' is in the stage area (' || order_problem || '); fix it first'
            when route = 'UNKNOWN_ITEM' and sales_order_item_id is null then 'Sales_Order_Item_Id is empty: name the order item of order ' || sales_order_id
            when route = 'UNKNOWN_ITEM' then 'no order item ' || sales_order_item_id || ' is in the books; load the order first or fix the id'
            when route = 'CURRENCY' or line_currency <> currency then 'the document is in ' || currency || ' but its line is in ' || coalesce(item_currency, line_currency) || '; fix the currency'
        end as map_message
    from routed
),
-- Lines whose documents need the sequential rules (any IVC, CM or CMC); the rest accept all their INVs.
-- (found first, so the document lists are only built for those few lines)
lines_to_sequence as (
    select distinct line_key from mapped where map_status = 'mapped' and document_type <> 'INV'
),
-- One list per line in document order, sorted with list_sort on a struct led by the row's id: an ordered list()
-- aggregate sorts inside every group (0.55 s for 30k lines at 1M, against 0.25 s for this).
to_sequence as (
    select line_key, minor_unit,
        list_transform(l, x -> struct_pack(number := x.number, type := x.type, reference := x.reference,
                                           billing_date := x.billing_date, amount := x.amount)) as docs,
        list_transform(l, x -> struct_pack(_version := x._version, _file := x._file, _row := x._row)) as ids
    from (
        select m.line_key, any_value(m.minor_unit) as minor_unit,
            list_sort(list(struct_pack(_version := m._version, _file := m._file, _row := m._row,
                number := m.invoice_number, type := m.document_type, reference := m.reference_document,
                billing_date := m.billing_date, amount := m.amount_minor))) as l
        from mapped as m
        semi join lines_to_sequence as s on s.line_key = m.line_key
        where m.map_status = 'mapped'
        group by m.line_key
    )
),
sequenced as (
    select line_key, ids, from_json(revrec_apply_billing_documents(docs, minor_unit),
        '[{"a": "BOOLEAN", "c": "VARCHAR", "m": "VARCHAR", "x": "INTEGER"}]') as outcomes
    from to_sequence
),
outcomes as (
    select line_key, id._version, id._file, id._row, o,
        case when o.x is null then null else ids_all[o.x + 1] end as cancels_id
    from (select line_key, ids as ids_all, unnest(ids) as id, unnest(outcomes) as o from sequenced)
)
-- stg_invoices' bookkeeping columns stay behind too: for a current row _status_key repeats record_key, row_status is
-- 'current' and the error columns are empty (0.4 s of writing at 1M lines).
select
    m.* exclude (map_status, map_code, map_message, item_disposition, order_problem, item_currency, iac_line_by_item, iac_item_currency,
        iac_status, own_line_key, iac_item_status, line_status, _status_key, row_status, error_code, error_message),
    case when m.map_status = 'mapped' and coalesce(o.o.a, true) then 'books'
         when m.map_status = 'mapped' then 'error'
         else m.map_status end as status,
    coalesce(m.map_code, o.o.c) as code,
    coalesce(m.map_message, o.o.m) as message,
    o.cancels_id._version as cancels_version,
    o.cancels_id._file as cancels_file,
    o.cancels_id._row as cancels_row,
    case m.document_type when 'INV' then 1 when 'CMC' then 1 else -1 end * m.amount_minor as signed_amount_minor
from mapped as m
left join outcomes as o using (line_key, _version, _file, _row)
