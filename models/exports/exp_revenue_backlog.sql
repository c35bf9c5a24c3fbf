-- Export type revenue_backlog (exports.md): one row per period and order item with a non-zero backlog amount.
select
    actg_period as Actg_Period,
    {{safe_text 'sales_order_id'}} as Sales_Order_Id,
    {{safe_text 'sales_order_item_id'}} as Sales_Order_Item_Id,
    {{safe_text 'product_code'}} as Product_Code,
    beg_backlog as Beginning_Backlog,
    new_booking as New_Booking,
    revenue as Total_Revenue,
    end_backlog as Ending_Backlog,
    _amount_minor_unit,
    line_version as Version,
    concat_ws('|', actg_period, line_key) as _record_key
from {{ref 'exp_line_amounts'}}
where beg_backlog <> 0 or new_booking <> 0 or revenue <> 0 or end_backlog <> 0
