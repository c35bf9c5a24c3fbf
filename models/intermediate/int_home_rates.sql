-- Usable rates from each currency to the home currency, by date: the direct pair (From = currency, To = home) or the
-- inverse pair used as the exact 1/Rate; on the same date the direct row wins. Each rate is the exact fraction
-- num/den already scaled from the transaction currency's minor unit to the home currency's, so
-- home_minor = round(txn_minor * num / den). `fast` says the BIGINT path of the fx_convert macro cannot overflow.
with settings as (select home_currency, home_minor_unit from {{ref 'int_settings'}}),
candidates as (
    select r.from_currency as currency, r.rate_date, r.rate_num as num, r.rate_den as den, r.rate_text, 0 as preference, r._version
    from {{ref 'stg_fx_rates'}} as r, settings as s
    where r.row_status = 'current' and r.to_currency = s.home_currency and r.from_currency <> s.home_currency
    union all
    select r.to_currency as currency, r.rate_date, r.rate_den as num, r.rate_num as den, r.rate_text, 1 as preference, r._version
    from {{ref 'stg_fx_rates'}} as r, settings as s
    where r.row_status = 'current' and r.from_currency = s.home_currency and r.to_currency <> s.home_currency
),
chosen as (
    select * from candidates
    qualify row_number() over (partition by currency, rate_date order by preference) = 1
),
scaled as (
    select
        ch.currency, ch.rate_date, ch.preference = 1 as is_inverse, ch.rate_text, ch._version,
        cast(ch.num as hugeint) * {{pow10 'greatest(s.home_minor_unit - c.minor_unit, 0)'}} as num_h,
        cast(ch.den as hugeint) * {{pow10 'greatest(c.minor_unit - s.home_minor_unit, 0)'}} as den_h
    from chosen as ch
    join {{ref 'int_currencies'}} as c on c.currency = ch.currency
    cross join settings as s
)
select
    currency, rate_date, is_inverse, rate_text, _version,
    cast(num_h as bigint) as rate_num,
    cast(den_h as bigint) as rate_den,
    num_h * den_h * 2 < cast('9223372036854775807' as hugeint) as rate_fast
from scaled
where num_h < cast('9223372036854775807' as hugeint) and den_h < cast('9223372036854775807' as hugeint)
