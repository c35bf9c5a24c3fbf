-- Export type journals (exports.md): one row per period, order item and account type, in the home currency, the
-- netted debit or credit with the other side 0. Exported for closed periods only (the exporter filters).
select
    actg_period as Actg_Period,
    {{safe_text 'sales_order_id'}} as Sales_Order_Id,
    {{safe_text 'sales_order_item_id'}} as Sales_Order_Item_Id,
    {{safe_text 'account_id'}} as Account_Id,
    {{safe_text 'product_id'}} as Product_Id,
    {{safe_text 'customer_id'}} as Customer_Id,
    link_id as Link_Id,
    {{safe_text 'class'}} as Class,
    account_type as Account_Type,
    credit_minor as Credit_Amount,
    debit_minor as Debit_Amount,
    currency as Currency,
    minor_unit as _amount_minor_unit,
    line_version as Version,
    concat_ws('|', actg_period, line_key, account_type) as _record_key
from {{ref 'fct_journal_lines'}}
