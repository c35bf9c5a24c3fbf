-- One row: the project settings the models depend on (vars of pipeline.yml), typed, plus the period state from
-- meta.period_closes: the current (open) period is the month after the latest close, or first_period.
with closes as (
    select max(actg_period) as last_closed_period from {{source 'meta' 'period_closes'}}
),
settings as (
    select
        upper('{{var "home_currency"}}') as home_currency,
        cast('{{var "first_period"}}' as integer) as first_period,
        cast('{{var "max_rate_age_days"}}' as integer) as max_rate_age_days,
        lower('{{var "commission_expedient"}}') in ('true', 'yes', '1') as commission_expedient,
        lower('{{var "export_amounts"}}') as export_amounts
)
select
    s.*,
    c.minor_unit as home_minor_unit,
    closes.last_closed_period,
    coalesce({{period_from_index (concat "(" (period_index "closes.last_closed_period") " + 1)")}}, s.first_period) as current_period,
    {{period_index (concat "coalesce(" (period_from_index (concat "(" (period_index "closes.last_closed_period") " + 1)")) ", s.first_period)")}} as current_period_index
from settings as s
cross join closes
left join {{ref 'int_currencies'}} as c on c.currency = s.home_currency
