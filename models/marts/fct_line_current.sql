{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_lines 'line_key') full_refresh_if=(rechain_all_or_period_moved)}}
-- The current period's reported numbers per contract line: rollforward (unearned revenue, unbilled receivable),
-- revenue with its contra and ordinary parts, backlog and deferred commission expense, in transaction and home
-- currency. Each is today's cumulative minus the cumulative frozen at the line's last close (catch-up); beginning
-- balances are the endings frozen then. Closed periods are added by the view fct_line_periods. FX-pending lines have no current row. A row exists when any amount is non-zero.
-- Amounts are BIGINT minor units (currency: the line's; home: the home currency's).
with settings as (select * from {{ref 'int_settings'}}),
today as (
    select l.* exclude (line_version), c.* exclude (line_key)
    from {{rechain_input 'int_line_cumulative' lines='line_key'}} as c
    join {{rechain_input 'int_contract_lines' lines='line_key'}} as l using (line_key)
    -- (today's lines are all in int_line_cumulative: the lines that left the books come from the frozen side)
    where not c.is_pending
),
pending as (select line_key from {{ref 'int_line_cumulative'}} where is_pending{{#is_incremental}} and {{in_rechain_lines 'line_key'}}{{/is_incremental}}),
-- A line that left the books since the last close keeps a row from its frozen side. It left in the build that
-- recomputed it (its order was in that build's slice), and its row stays as that build wrote it until the period
-- moves, which rebuilds this model in full (rechain_all_or_period_moved): so a daily build reads only its slice here.
frozen as (select * from {{source 'meta' 'frozen_line_state'}}{{#is_incremental}} where {{in_rechain_lines 'line_key'}}{{/is_incremental}}),
current_rows as (
    select
        s.current_period as actg_period,
        coalesce(t.line_key, f.line_key) as line_key,
        cast(coalesce(t.line_kind, f.line_kind) as {{line_kind_enum}}) as line_kind,
        coalesce(t.sales_order_id, f.sales_order_id) as sales_order_id,
        coalesce(t.sales_order_item_id, f.sales_order_item_id) as sales_order_item_id,
        coalesce(t.reference_invoice_number, f.reference_invoice_number) as reference_invoice_number,
        coalesce(t.product_id, f.product_id) as product_id,
        coalesce(t.product_code, f.product_code) as product_code,
        coalesce(t.product_name, f.product_name) as product_name,
        coalesce(t.customer_id, f.customer_id) as customer_id,
        coalesce(t.booked_date, f.contract_date) as contract_date,
        coalesce(t.currency, f.currency) as currency,
        coalesce(t.minor_unit, f.minor_unit) as minor_unit,
        s.home_currency,
        s.home_minor_unit,
        coalesce(t.booking_minor, f.booking_txn) as booking_txn,
        coalesce({{fx_convert 't.booking_minor' 't.contract_rate_num' 't.contract_rate_den' 't.contract_rate_fast'}}, f.booking_home) as booking_home,
        -- cumulative state through this period (what the next close freezes)
        coalesce(t.cum_billing, 0) as cum_billing_txn,
        coalesce(t.cum_revenue, 0) as cum_revenue_txn,
        coalesce(t.cum_contra, 0) as cum_contra_txn,
        coalesce(t.cum_adjustment, 0) as cum_adjustment_txn,
        coalesce(t.cum_booked, 0) as cum_booked_txn,
        coalesce(t.cum_commissions, 0) as cum_commissions_txn,
        coalesce(t.cum_amortization, 0) as cum_amortization_txn,
        coalesce(t.cum_billing_home, 0) as cum_billing_home,
        coalesce(t.cum_revenue_home, 0) as cum_revenue_home,
        coalesce(t.cum_contra_home, 0) as cum_contra_home,
        coalesce(t.cum_adjustment_home, 0) as cum_adjustment_home,
        coalesce(t.cum_booked_home, 0) as cum_booked_home,
        coalesce(t.cum_commissions_home, 0) as cum_commissions_home,
        coalesce(t.cum_amortization_home, 0) as cum_amortization_home,
        coalesce(t.net, 0) as net_txn,
        coalesce(t.net_home, 0) as net_home,
        coalesce(t.commission_class, f.commission_class) as commission_class,
        -- frozen base (zero for a line never frozen)
        coalesce(f.cum_billing_txn, 0) as f_billing_txn, coalesce(f.cum_revenue_txn, 0) as f_revenue_txn,
        coalesce(f.cum_contra_txn, 0) as f_contra_txn, coalesce(f.cum_adjustment_txn, 0) as f_adjustment_txn,
        coalesce(f.cum_booked_txn, 0) as f_booked_txn, coalesce(f.cum_commissions_txn, 0) as f_commissions_txn,
        coalesce(f.cum_amortization_txn, 0) as f_amortization_txn,
        coalesce(f.cum_billing_home, 0) as f_billing_home, coalesce(f.cum_revenue_home, 0) as f_revenue_home,
        coalesce(f.cum_contra_home, 0) as f_contra_home, coalesce(f.cum_adjustment_home, 0) as f_adjustment_home,
        coalesce(f.cum_booked_home, 0) as f_booked_home, coalesce(f.cum_commissions_home, 0) as f_commissions_home,
        coalesce(f.cum_amortization_home, 0) as f_amortization_home,
        coalesce(f.net_txn, 0) as f_net_txn, coalesce(f.net_home, 0) as f_net_home,
        -- A line that left the books is reversed because of a newer load (an exclusion, a replacement): its row
        -- carries the newest landed version, so a consumer keeping the highest Version per key keeps the reversal.
        case when t.line_key is null then greatest(coalesce(f.line_version, 0), (select coalesce(max(version), 0) from {{source 'meta' 'load_manifest'}} where status = 'loaded'))
             else greatest(coalesce(t.line_version, 0), coalesce(f.line_version, 0)) end as line_version
    from today as t
    full outer join frozen as f using (line_key)
    cross join settings as s
    where coalesce(t.line_key, f.line_key) not in (select line_key from pending)
),
movements as (
    select
        actg_period, line_key, line_kind, sales_order_id, sales_order_item_id, reference_invoice_number,
        product_id, product_code, product_name, customer_id, contract_date, currency, minor_unit,
        home_currency, home_minor_unit, booking_txn, booking_home,
        -- rollforward, transaction currency
        greatest(f_net_txn, 0) as beg_unearned_txn,
        greatest(-f_net_txn, 0) as beg_unbilled_txn,
        cum_billing_txn - f_billing_txn as new_billing_txn,
        cum_revenue_txn - f_revenue_txn as revenue_txn,
        cum_contra_txn - f_contra_txn as revenue_contra_txn,
        cum_adjustment_txn - f_adjustment_txn as adjustment_txn,
        greatest(net_txn, 0) as end_unearned_txn,
        greatest(-net_txn, 0) as end_unbilled_txn,
        -- rollforward, home currency (balances at the contract rate; FCC balances the identity)
        greatest(f_net_home, 0) as beg_unearned_home,
        greatest(-f_net_home, 0) as beg_unbilled_home,
        cum_billing_home - f_billing_home as new_billing_home,
        cum_revenue_home - f_revenue_home as revenue_home,
        cum_contra_home - f_contra_home as revenue_contra_home,
        cum_adjustment_home - f_adjustment_home as adjustment_home,
        greatest(net_home, 0) as end_unearned_home,
        greatest(-net_home, 0) as end_unbilled_home,
        -- backlog
        f_booked_txn - f_revenue_txn as beg_backlog_txn,
        cum_booked_txn - f_booked_txn as new_booking_txn,
        cum_booked_txn - cum_revenue_txn as end_backlog_txn,
        f_booked_home - f_revenue_home as beg_backlog_home,
        cum_booked_home - f_booked_home as new_booking_home,
        cum_booked_home - cum_revenue_home as end_backlog_home,
        -- deferred commission expense
        f_commissions_txn - f_amortization_txn as beg_deferred_expense_txn,
        cum_commissions_txn - f_commissions_txn as new_commissions_txn,
        cum_amortization_txn - f_amortization_txn as commission_amortization_txn,
        cum_commissions_txn - cum_amortization_txn as end_deferred_expense_txn,
        f_commissions_home - f_amortization_home as beg_deferred_expense_home,
        cum_commissions_home - f_commissions_home as new_commissions_home,
        cum_amortization_home - f_amortization_home as commission_amortization_home,
        cum_commissions_home - cum_amortization_home as end_deferred_expense_home,
        commission_class,
        cum_billing_txn, cum_revenue_txn, cum_contra_txn, cum_adjustment_txn, cum_booked_txn, cum_commissions_txn, cum_amortization_txn,
        cum_billing_home, cum_revenue_home, cum_contra_home, cum_adjustment_home, cum_booked_home, cum_commissions_home, cum_amortization_home,
        net_txn, net_home,
        (net_home - f_net_home) - (cum_billing_home - f_billing_home) + (cum_revenue_home - f_revenue_home) - (cum_adjustment_home - f_adjustment_home) as fcc_home,
        line_version
    from current_rows
),
current_reported as (
    select
        actg_period, line_key, line_kind, sales_order_id, sales_order_item_id, reference_invoice_number,
        product_id, product_code, product_name, customer_id, contract_date, currency, minor_unit,
        home_currency, home_minor_unit, booking_txn, booking_home,
        beg_unearned_txn, new_billing_txn, revenue_txn, revenue_contra_txn, revenue_txn - revenue_contra_txn as revenue_ordinary_txn,
        cast(0 as bigint) as fcc_txn, adjustment_txn, end_unearned_txn, beg_unbilled_txn, end_unbilled_txn,
        beg_unearned_home, new_billing_home, revenue_home, revenue_contra_home, revenue_home - revenue_contra_home as revenue_ordinary_home,
        fcc_home, adjustment_home, end_unearned_home, beg_unbilled_home, end_unbilled_home,
        beg_backlog_txn, new_booking_txn, end_backlog_txn, beg_backlog_home, new_booking_home, end_backlog_home,
        beg_deferred_expense_txn, new_commissions_txn, commission_amortization_txn, end_deferred_expense_txn,
        beg_deferred_expense_home, new_commissions_home, commission_amortization_home, end_deferred_expense_home,
        commission_class,
        cum_billing_txn, cum_revenue_txn, cum_contra_txn, cum_adjustment_txn, cum_booked_txn, cum_commissions_txn, cum_amortization_txn,
        cum_billing_home, cum_revenue_home, cum_contra_home, cum_adjustment_home, cum_booked_home, cum_commissions_home, cum_amortization_home,
        net_txn, net_home,
        line_version
    from movements
    where beg_unearned_txn <> 0 or new_billing_txn <> 0 or revenue_txn <> 0 or revenue_contra_txn <> 0 or adjustment_txn <> 0 or end_unearned_txn <> 0
       or revenue_contra_home <> 0
       or beg_unbilled_txn <> 0 or end_unbilled_txn <> 0
       or beg_unearned_home <> 0 or new_billing_home <> 0 or revenue_home <> 0 or fcc_home <> 0 or adjustment_home <> 0
       or end_unearned_home <> 0 or beg_unbilled_home <> 0 or end_unbilled_home <> 0
       or beg_backlog_txn <> 0 or new_booking_txn <> 0 or end_backlog_txn <> 0
       or beg_backlog_home <> 0 or new_booking_home <> 0 or end_backlog_home <> 0
       or beg_deferred_expense_txn <> 0 or new_commissions_txn <> 0 or commission_amortization_txn <> 0 or end_deferred_expense_txn <> 0
       or beg_deferred_expense_home <> 0 or new_commissions_home <> 0 or commission_amortization_home <> 0 or end_deferred_expense_home <> 0
)
select * from current_reported
