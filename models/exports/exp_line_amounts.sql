-- Reported line rows (closed periods frozen + the current period) with the amounts the rollforward, revenue,
-- deferred balance, backlog and expense exports carry: home currency (default) or transaction currency
-- (vars.export_amounts: transaction). `_amount_minor_unit` is the decimals of those amounts.
with settings as (select * from {{ref 'int_settings'}}),
rows as (select * from {{ref 'fct_line_periods'}} where {{export_slice 'sales_order_id' 'revrec_export_slice_orders'}})
select
    r.actg_period, r.line_key, r.sales_order_id, r.sales_order_item_id, r.reference_invoice_number,
    r.product_id, r.product_code, r.product_name, r.customer_id, r.contract_date, r.currency,
    r.line_version,
    case when s.export_amounts = 'transaction' then r.minor_unit else r.home_minor_unit end as _amount_minor_unit,
    {{#each (list "booking" "beg_unearned" "new_billing" "revenue" "fcc" "adjustment" "end_unearned" "beg_unbilled" "end_unbilled" "beg_backlog" "new_booking" "end_backlog" "beg_deferred_expense" "new_commissions" "commission_amortization" "end_deferred_expense")}}
    case when s.export_amounts = 'transaction' then r.{{this}}_txn else r.{{this}}_home end as {{this}}{{#unless @last}},{{/unless}}
    {{/each}}
from rows as r
cross join settings as s
