-- Revenue per contract line and accounting period, every period the books know (revenue detail report, seed 003):
-- closed periods as frozen at their close (fct_line_periods), the current period's catch-up and every later period
-- of the schedule with today's price (fct_revenue_schedule). Transaction and home currency, minor units.
with settings as (select current_period from {{ref 'int_settings'}})
select line_key, actg_period, revenue_txn, revenue_home
from {{ref 'fct_line_periods'}}
where actg_period < (select current_period from settings)
  and (revenue_txn <> 0 or revenue_home <> 0)
union all
select line_key, actg_period, revenue_txn, revenue_home
from {{ref 'fct_revenue_schedule'}}
