{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_lines 'line_key') full_refresh_if=(rechain_all)}}
-- The recognition schedule(s) of each contract line: one part with the line's service dates, or the override's
-- recognition dates, or one part per split row (general import), each with its own dates and amount. Each part is
-- rounded cumulatively on its own and the parts are summed back into the line. D is the part's length in days
-- (dates inclusive); start/end periods are YYYYMM.
with lines as (select * from {{rechain_input 'int_contract_lines' lines='line_key'}}),
gi as (select * from {{ref 'int_general_import'}} where status = 'books' and kind in ('override', 'split_part')),
parts as (
    select
        l.line_key,
        coalesce(g.split_transaction_id, '') as part_id,
        case when g.kind = 'split_part' then g.amount_minor else l.allocated_minor end as part_amount_minor,
        coalesce(g.recognition_start_date, l.service_start_date) as start_date,
        coalesce(g.recognition_end_date, l.service_end_date) as end_date,
        l.recognition_method,
        l.booked_date,
        greatest(l.line_version, coalesce(g._version, 0)) as part_version
    from lines as l
    left join gi as g on l.line_kind = 'order' and g.transaction_id = l.sales_order_item_id
)
select
    *,
    cast(end_date - start_date + 1 as bigint) as days,
    {{period_of 'start_date'}} as start_period,
    {{period_of 'end_date'}} as end_period,
    {{period_of 'booked_date'}} as booked_period,
    count(*) over (partition by line_key) as part_count,
    -- the line's last recognition period: every part has a (constant) cumulative through it, so the schedule of a
    -- split line sums all its parts in every period
    max({{period_of 'end_date'}}) over (partition by line_key) as line_end_period
from parts
