-- tags: marts, identities
-- Cumulative rounding: for every line in the books (not FX-pending), the revenue of its closed periods, of the current
-- period and of the future schedule sums exactly to its final price (allocated less credits), in transaction currency,
-- and to that price at the contract rate in home currency. Rows are failures. A daily build whose previous build
-- passed checks only the lines it recomputed (macro in_test_slice).
with settings as (select current_period from {{ref 'int_settings'}}),
lines as (
    select line_key, tp_now,
        {{fx_convert 'tp_now' 'contract_rate_num' 'contract_rate_den' 'contract_rate_fast'}} as tp_now_home
    from {{ref 'int_line_cumulative'}}
    where not is_pending and {{in_test_slice 'line_key'}}
),
reported as (
    select line_key, revenue_txn, revenue_home from {{ref 'fct_line_periods'}} where {{in_test_slice 'line_key'}}
    union all
    select line_key, revenue_txn, revenue_home from {{ref 'fct_revenue_schedule'}} where not is_catch_up and {{in_test_slice 'line_key'}}
),
sums as (
    select line_key, sum(revenue_txn) as revenue_txn, sum(revenue_home) as revenue_home from reported group by line_key
)
select l.line_key, l.tp_now, coalesce(s.revenue_txn, 0) as revenue_txn, l.tp_now_home, coalesce(s.revenue_home, 0) as revenue_home
from lines as l
left join sums as s using (line_key)
where coalesce(s.revenue_txn, 0) <> l.tp_now or coalesce(s.revenue_home, 0) <> l.tp_now_home
