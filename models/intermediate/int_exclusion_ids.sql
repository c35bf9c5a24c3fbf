-- The ids the exclusion import takes out of revenue (current rows only).
select distinct transaction_id, max(_version) over (partition by transaction_id) as _version
from {{ref 'stg_exclusions'}}
where row_status = 'current'
