{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_future_schedule_slice) full_refresh_if=(rechain_all)}}
-- Revenue by contract line for every period after the current one, with today's price: round(TP x F(p)) -
-- round(TP x F(p-1)) per part, in transaction and home currency (home: the differences of the rounded home
-- cumulative at the contract rate). The widest model (one row per line and remaining month), so it is plain integer
-- arithmetic on BIGINT without window functions. A daily build replaces the slice's lines; a close only drops the
-- rows of the period it opened (macro in_future_schedule_slice): a later row does not depend on the current period.
with settings as (select current_period, {{period_index 'current_period'}} as cp_index from {{ref 'int_settings'}}),
-- One row per part and later month (inputs prepared by int_schedule_parts). Periods are month indexes so
-- comparisons are integer compares, and the recognized days C(p) and C(p-1) are computed once as columns before the
-- exact rounding.
future as (
    select
        line_key, part_count, rate_num, rate_den, rate_fast, part_tp, days, start_date, point_in_time, booked_index, start_index,
        unnest(range(s.cp_index + 1, last_index + 1)) as idx
    from {{ref 'int_schedule_parts'}}, settings as s{{#is_incremental}} where {{in_rechain_lines 'line_key'}}{{/is_incremental}}
),
recognized_days as (
    select *,
        make_date(cast(idx // 12 as integer), cast(idx % 12 + 1 as integer), 1) as period_start
    from future
),
part_days as (
    select
        line_key, part_count, rate_num, rate_den, rate_fast, part_tp, days, idx,
        case when idx < booked_index then 0
             when point_in_time then case when idx >= start_index then days else 0 end
             else greatest(0, least(days, cast(last_day(period_start) - start_date + 1 as bigint))) end as c_now,
        case when idx - 1 < booked_index then 0
             when point_in_time then case when idx - 1 >= start_index then days else 0 end
             else greatest(0, least(days, cast(period_start - start_date as bigint))) end as c_prev
    from recognized_days
),
part_products as (
    select line_key, part_count, rate_num, rate_den, rate_fast, days, idx,
        part_tp * c_now as tp_c_now, part_tp * c_prev as tp_c_prev
    from part_days
),
part_cumulative as (
    select line_key, part_count, {{period_from_index 'idx'}} as actg_period, rate_num, rate_den, rate_fast,
        {{div_round 'tp_c_now' 'days'}} as cr,
        {{div_round 'tp_c_prev' 'days'}} as cr_prev
    from part_products
),
line_cumulative as (
    select line_key, actg_period, rate_num, rate_den, rate_fast, cr, cr_prev from part_cumulative where part_count = 1
    union all
    select line_key, actg_period, any_value(rate_num), any_value(rate_den), any_value(rate_fast), cast(sum(cr) as bigint), cast(sum(cr_prev) as bigint)
    from part_cumulative where part_count > 1
    group by line_key, actg_period
),
future_revenue as (
    select line_key, actg_period,
        cr - cr_prev as revenue_txn,
        {{fx_convert 'cr' 'rate_num' 'rate_den' 'rate_fast'}} - {{fx_convert 'cr_prev' 'rate_num' 'rate_den' 'rate_fast'}} as revenue_home
    from line_cumulative
    where cr <> cr_prev
)
select line_key, actg_period, revenue_txn, revenue_home from future_revenue
