-- Export type invoices (exports.md): each accepted billing document once, in the period it enters the books (a late
-- or held document in the period it arrives), Billing_Amount signed by type (INV +, IVC -, CM -, CMC +), in
-- transaction currency. Closed periods are what was frozen at their close; the current period has the accepted
-- documents not reported before.
-- (meta.frozen_invoices is read twice rather than through one CTE: a CTE used twice is materialized with every
-- column, which made a closed period's export several times slower.)
with settings as (select * from {{ref 'int_settings'}}),
current_rows as (
    select
        s.current_period as Actg_Period,
        {{safe_text 'd.sales_order_id'}} as Sales_Order_Id,
        {{safe_text 'coalesce(l.sales_order_item_id, d.sales_order_item_id)'}} as Sales_Order_Item_Id,
        {{safe_text 'd.invoice_number'}} as Invoice_Number,
        {{#each (list "02" "03" "04" "05" "06" "07" "08" "09" "10")}}
        {{safe_text (concat "d.BS_CustomField" this)}} as BS_CustomField{{this}},
        {{/each}}
        d.billing_date as Billing_Date,
        d.signed_amount_minor as Billing_Amount,
        d.currency as Currency,
        d.minor_unit as _amount_minor_unit,
        d._version as Version,
        d.record_key as _document_key,
        concat_ws('|', s.current_period, d.record_key) as _record_key
    -- The slice narrows the documents before the join (written after it, DuckDB joined every document first). A
    -- document in the books names its line's item (an order line 'O|' || item, or an invoice-as-contract line keyed by
    -- it) unless it has no Sales_Order_Id (an invoice-as-contract document, always in the slice), so its own item id
    -- is the exported Sales_Order_Item_Id whenever the slice looks at it.
    from (
        select * from {{ref 'int_documents'}}
        where status = 'books' and {{export_slice 'sales_order_item_id' 'revrec_export_slice_items' null_column='sales_order_id'}}
    ) as d
    left join {{ref 'int_contract_lines'}} as l using (line_key)
    cross join settings as s
    where d.record_key not in (
          select _document_key from {{source 'meta' 'frozen_invoices'}} where Actg_Period < (select current_period from settings))
)
select * from {{source 'meta' 'frozen_invoices'}} where Actg_Period < (select current_period from settings)
    and {{export_slice 'Sales_Order_Item_Id' 'revrec_export_slice_items' null_column='Sales_Order_Id'}}
union all by name
select * from current_rows
