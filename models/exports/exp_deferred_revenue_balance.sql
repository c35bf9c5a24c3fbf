-- Export type deferred_revenue_balance (exports.md): one row per period, reference invoice, order and product with
-- an ending unearned revenue balance.
with lines as (select * from {{ref 'exp_line_amounts'}} where end_unearned <> 0)
select
    actg_period as Actg_Period,
    {{safe_text 'reference_invoice_number'}} as Reference_Invoice_Number,
    {{safe_text 'sales_order_id'}} as Sales_Order_Id,
    {{safe_text 'product_code'}} as Product_Code,
    {{safe_text 'arg_min(product_name, sales_order_item_id)'}} as Product_Name,
    arg_min(contract_date, sales_order_item_id) as Contract_Date,
    arg_min(currency, sales_order_item_id) as Currency,
    {{safe_text 'arg_min(customer_id, sales_order_item_id)'}} as Current_Customer_Id,
    sum(end_unearned) as Ending_Unearned_Revenue,
    max(_amount_minor_unit) as _amount_minor_unit,
    max(line_version) as Version,
    concat_ws('|', actg_period, coalesce(reference_invoice_number, ''), coalesce(sales_order_id, ''), coalesce(product_code, '')) as _record_key
from lines
group by actg_period, reference_invoice_number, sales_order_id, product_code
