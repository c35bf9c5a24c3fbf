{{config materialized='view'}}
-- Revenue by contract line and period from the current period on: the current period's catch-up (as reported in
-- fct_line_current) and every later period of the schedule at today's price (fct_revenue_schedule_future), in
-- transaction and home currency, minor units. Closed periods are in fct_line_periods.
select line_key, actg_period, revenue_txn, revenue_home, false as is_catch_up
from {{ref 'fct_revenue_schedule_future'}}
union all
select line_key, actg_period, revenue_txn, revenue_home, true as is_catch_up
from {{ref 'fct_line_current'}}
where revenue_txn <> 0 or revenue_home <> 0
