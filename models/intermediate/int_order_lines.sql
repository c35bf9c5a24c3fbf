-- Current order items with their disposition: held for a future period (FUTURE_PERIOD, checked first), excluded
-- (order id, item id or Reference_Invoice_Number in the exclusion import), or in the books. Adds the product's
-- code, name and recognition method and the SSP that allocation uses.
with settings as (select * from {{ref 'int_settings'}}),
orders as (select * from {{ref 'stg_orders'}} where row_status = 'current'),
product_rows as (select * from {{ref 'int_products'}}),
-- Product attributes: the same-currency row in force at the order date, else any row in force, else the earliest.
product_pick as (
    select o.sales_order_item_id, p.product_code, p.product_name, p.recognition_method
    from orders as o
    join product_rows as p on p.product_id = o.product_id
    qualify row_number() over (
        partition by o.sales_order_item_id
        order by
            case when p.effective_from <= o.order_date and p.currency = o.currency then 0
                 when p.effective_from <= o.order_date then 1 else 2 end,
            case when p.effective_from <= o.order_date then p.effective_from end desc nulls last,
            p.effective_from asc nulls first,
            p.currency
    ) = 1
),
-- SSP row: same product and currency, latest Effective_From on or before the order date (an empty SSP means none).
ssp_pick as (
    select o.sales_order_item_id, p.ssp_e6
    from orders as o
    join product_rows as p on p.product_id = o.product_id and p.currency = o.currency and p.effective_from <= o.order_date
    qualify row_number() over (partition by o.sales_order_item_id order by p.effective_from desc) = 1
),
excluded as (select transaction_id from {{ref 'int_exclusion_ids'}})
select
    o.*,
    pp.product_code,
    pp.product_name,
    coalesce(pp.recognition_method, 'ratable_daily') as recognition_method,
    coalesce(o.ssp_e6, sp.ssp_e6) as effective_ssp_e6,
    case
        when {{period_of 'o.order_date'}} > s.current_period then 'held'
        when o.sales_order_id in (select transaction_id from excluded)
          or o.sales_order_item_id in (select transaction_id from excluded)
          or o.reference_invoice_number in (select transaction_id from excluded) then 'excluded'
        else 'books'
    end as disposition
from orders as o
cross join settings as s
left join product_pick as pp on pp.sales_order_item_id = o.sales_order_item_id
left join ssp_pick as sp on sp.sales_order_item_id = o.sales_order_item_id
