-- Export type orders (exports.md): every contract line in the books (a snapshot per period, finished lines
-- included, FX-pending lines too), in transaction currency. Closed periods are the snapshot frozen at their close.
-- Duration: whole months plus the remaining days over their month's length (held x 100); MRR = round(Booking /
-- max(Duration, 1)) for ratable lines, 0 for point in time; IsActive: the service period overlaps the period.
with settings as (select * from {{ref 'int_settings'}}),
current_rows as (
    select
        s.current_period as Actg_Period,
        {{safe_text 'l.sales_order_id'}} as Sales_Order_Id,
        {{safe_text 'l.sales_order_item_id'}} as Sales_Order_Item_Id,
        {{safe_text 'l.product_id'}} as Product_Id,
        {{safe_text 'l.customer_id'}} as Customer_Id,
        l.booked_date as Order_Date,
        l.booking_minor as Bookings_Amount,
        l.quantity_e6 as Quantity,
        l.list_price_e6 as List_Price,
        l.sale_price_e6 as Sale_Price,
        l.allocated_minor as Allocated_Revenue,
        l.service_start_date <= {{period_end 's.current_period'}}
            and l.service_end_date >= make_date(cast(s.current_period // 100 as integer), cast(s.current_period % 100 as integer), 1) as IsActive,
        l.service_start_date as Service_Start_Date,
        l.service_end_date as Service_End_Date,
        case when l.recognition_method = 'point_in_time' then cast(0 as bigint)
             else {{div_round 'l.booking_minor * 100' 'greatest(l.duration_hundredths, 100)'}} end as MRR,
        l.duration_hundredths as Duration,
        l.currency as Currency,
        {{safe_text 'l.reference_invoice_number'}} as Reference_Invoice_Number,
        l.minor_unit as _amount_minor_unit,
        c.line_version as Version,
        concat_ws('|', s.current_period, l.line_key) as _record_key
    -- (the slice narrows the lines before the join: written after it, DuckDB joined every line first)
    from (select * from {{ref 'int_contract_lines'}} where {{export_slice 'sales_order_id' 'revrec_export_slice_orders'}}) as l
    join {{ref 'int_line_cumulative'}} as c using (line_key)
    cross join settings as s
)
select * from {{source 'meta' 'frozen_orders'}} where Actg_Period < (select current_period from settings)
    and {{export_slice 'Sales_Order_Id' 'revrec_export_slice_orders'}}
union all by name
select * from current_rows
