-- One row per contract line for the revenue detail report (seed 003): the transaction behind it, its amounts
-- (booking = Transaction Amount, allocated = Transaction Impact Amount, today's price = Revenue Schedule Amount) in
-- transaction currency and, at the contract rate, in home currency; the contract rate as the exact fraction
-- rate_num / rate_den (scaled for the minor units: home_minor = round(txn_minor * rate_num / rate_den)); and the GL
-- accounts of deferred and recognized revenue. Lines that left the books after being reported (excluded, replaced)
-- keep their last reported attributes and have no rate (their schedule is 0). FX-pending lines have no rate and no
-- home amounts.
with settings as (select * from {{ref 'int_settings'}}),
accounts as (
    select
        max(account_id) filter (where account_type = 'Deferred Revenue') as deferred_account,
        max(account_id) filter (where account_type = 'Revenue') as revenue_account
    from {{ref 'int_gl_accounts'}}
),
book as (
    select
        l.line_key, l.line_kind, l.sales_order_id, l.sales_order_item_id, l.reference_invoice_number,
        l.customer_id, l.product_id, l.product_code, l.product_name, l.currency, l.minor_unit,
        l.booked_date, l.booking_minor, l.allocated_minor, c.tp_now as schedule_minor,
        l.service_start_date, l.service_end_date,
        coalesce(c.is_pending, true) as is_pending,
        case when not c.is_pending then c.contract_rate_date end as rate_date,
        case when not c.is_pending then c.contract_rate_num end as rate_num,
        case when not c.is_pending then c.contract_rate_den end as rate_den,
        case when not c.is_pending then c.contract_rate_fast end as rate_fast
    from {{ref 'int_contract_lines'}} as l
    left join {{ref 'int_line_cumulative'}} as c using (line_key)
),
gone as (
    select
        f.line_key, f.line_kind, f.sales_order_id, f.sales_order_item_id, f.reference_invoice_number,
        f.customer_id, f.product_id, f.product_code, f.product_name, f.currency, f.minor_unit,
        f.contract_date as booked_date, f.booking_txn as booking_minor, cast(null as bigint) as allocated_minor,
        cast(0 as bigint) as schedule_minor,
        cast(null as date) as service_start_date, cast(null as date) as service_end_date,
        false as is_pending,
        cast(null as date) as rate_date, cast(null as bigint) as rate_num, cast(null as bigint) as rate_den,
        cast(null as boolean) as rate_fast
    from {{ref 'fct_line_periods'}} as f
    where f.line_key not in (select line_key from book)
    qualify row_number() over (partition by f.line_key order by f.actg_period desc) = 1
),
lines as (
    select * from book
    union all by name
    select * from gone
)
select
    -- Text that reaches a spreadsheet gets the formula-injection guard of the other exports.
    l.* replace (
        {{safe_text 'l.customer_id'}} as customer_id,
        {{safe_text 'l.sales_order_id'}} as sales_order_id,
        {{safe_text 'l.sales_order_item_id'}} as sales_order_item_id,
        {{safe_text 'l.reference_invoice_number'}} as reference_invoice_number,
        {{safe_text 'l.product_name'}} as product_name,
        {{safe_text 'l.product_code'}} as product_code
    ),
    case l.line_kind when 'order' then 'Sales Order Item' when 'general' then 'General Import' when 'invoice' then 'Invoice' end as transaction_type,
    {{safe_text "case when l.line_kind = 'invoice' then l.reference_invoice_number else l.sales_order_id end"}} as transaction_number,
    s.home_currency,
    s.home_minor_unit,
    a.deferred_account,
    a.revenue_account,
    case when l.rate_num is not null then {{fx_convert 'l.allocated_minor' 'l.rate_num' 'l.rate_den' 'l.rate_fast'}} end as allocated_home,
    case when l.rate_num is not null then {{fx_convert 'l.schedule_minor' 'l.rate_num' 'l.rate_den' 'l.rate_fast'}} end as schedule_home
from lines as l
cross join settings as s
cross join accounts as a
