-- Currencies with their ISO 4217 minor units: the seed, replaced by landed rows with the same code.
select
    coalesce(l.currency, upper(s.Currency)) as currency,
    coalesce(l.minor_unit, s.Minor_Unit) as minor_unit,
    coalesce(l._version, 0) as _version,
    case when l.currency is null then 'seed' else 'landed' end as origin
from {{ref 'currencies'}} as s
full outer join (select * from {{ref 'stg_currencies'}} where row_status = 'current') as l
    on l.currency = upper(s.Currency)
