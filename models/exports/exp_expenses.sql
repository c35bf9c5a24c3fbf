-- Export type expenses (exports.md): one row per period and order item with a non-zero deferred commission amount.
select
    actg_period as Actg_Period,
    {{safe_text 'sales_order_id'}} as Sales_Order_Id,
    {{safe_text 'sales_order_item_id'}} as Sales_Order_Item_Id,
    {{safe_text 'product_id'}} as Product_Id,
    beg_deferred_expense as Beginning_Deferred_Expense,
    new_commissions as New_Commissions,
    commission_amortization as Commission_Amortization,
    end_deferred_expense as Ending_Deferred_Expense,
    _amount_minor_unit,
    line_version as Version,
    concat_ws('|', actg_period, line_key) as _record_key
from {{ref 'exp_line_amounts'}}
where beg_deferred_expense <> 0 or new_commissions <> 0 or commission_amortization <> 0 or end_deferred_expense <> 0
