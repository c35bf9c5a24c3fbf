{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_disposition_slice) full_refresh_if=(rechain_all) compute_in_temp=true}}
-- compute_in_temp (ModelConfig.computeInTemp): 1.68–1.69 s against 1.79–1.86 s in two full builds each at 1M lines.
-- Where every raw input row went, one row per raw row (and per unreadable row the CSV reader rejected): exactly one
-- disposition each:
--   current     the newest valid version of its key, used by the models (a line, document, rate, ...);
--   superseded  replaced by a newer version of its key (or a bad row a newer good version replaced);
--   staged      in the stage area (error, held or excluded; stage_entries says how many entries it has: one);
--   deleted     dropped from the stage area by `revrec stage rm`;
--   unaccounted none of these: a bug (the data test input_rows_accounted_for fails on it).
-- Bad input never vanishes: the counts per type equal the raw tables' (data test input_row_counts).
with scope as (select previous_version from {{ref 'int_build_scope'}}),
-- _slice_key: what a daily build replaces the row by (macro in_disposition_slice): the order item it names ('' for
-- none) for orders, invoices and commissions, '*' (always) for rate and general-import rows, NULL (only when new)
-- otherwise.
raw_rows as (
    {{#is_incremental}}
    {{#each (list "orders" "invoices" "commissions")}}
    select '{{this}}' as type, s._version, s._source, s._file, s._row, s.record_key, s.row_status, coalesce(s.sales_order_item_id, '') as _slice_key
    from {{ref (concat "stg_" this)}} as s
    where s._version > (select previous_version from scope) or {{in_rechain_items "coalesce(s.sales_order_item_id, '')"}}
    union all
    {{/each}}
    {{#each (list "fx_rates" "general_import")}}
    select '{{this}}', s._version, s._source, s._file, s._row, s.record_key, s.row_status, '*'
    from {{ref (concat "stg_" this)}} as s
    union all
    {{/each}}
    {{#each (list "exclusions" "products" "currencies" "gl_accounts")}}
    select '{{this}}', s._version, s._source, s._file, s._row, s.record_key, s.row_status, cast(null as varchar)
    from {{ref (concat "stg_" this)}} as s
    where s._version > (select previous_version from scope)
    union all
    {{/each}}
    select type, _version, _source, _file, _row, cast(null as varchar), 'unreadable', cast(null as varchar)
    from {{source 'raw' 'rejected_rows'}}
    where _version > (select previous_version from scope)
    {{else}}
    {{#each (list "orders" "invoices" "commissions")}}
    select '{{this}}' as type, r._version, r._source, r._file, r._row, s.record_key, s.row_status,
        case when s._row is not null then coalesce(s.sales_order_item_id, '') end as _slice_key
    from {{source 'raw' this}} as r
    left join {{ref (concat "stg_" this)}} as s using (_version, _file, _row)
    union all
    {{/each}}
    {{#each (list "fx_rates" "general_import")}}
    select '{{this}}', r._version, r._source, r._file, r._row, s.record_key, s.row_status, case when s._row is not null then '*' end
    from {{source 'raw' this}} as r
    left join {{ref (concat "stg_" this)}} as s using (_version, _file, _row)
    union all
    {{/each}}
    {{#each (list "exclusions" "products" "currencies" "gl_accounts")}}
    select '{{this}}', r._version, r._source, r._file, r._row, s.record_key, s.row_status, cast(null as varchar)
    from {{source 'raw' this}} as r
    left join {{ref (concat "stg_" this)}} as s using (_version, _file, _row)
    union all
    {{/each}}
    select type, _version, _source, _file, _row, cast(null as varchar), 'unreadable', cast(null as varchar)
    from {{source 'raw' 'rejected_rows'}}
    {{/is_incremental}}
),
staged as (
    select type, _version, file as _file, "row" as _row,
        count(*) as stage_entries, min(code) as stage_code, min(status) as stage_status
    from {{ref 'stage_records'}} as sr
    {{#is_incremental}}
    where exists (select 1 from raw_rows as r where r.type = sr.type and r._version = sr._version and r._file = sr.file and r._row is not distinct from sr."row")
    {{/is_incremental}}
    group by all
),
deleted as (
    select record_type as type, _version, _file, _row, record_key from {{source 'meta' 'stage_deletions'}}
)
-- type and disposition are ENUMs (macro record_type_enum; the disposition's values are the CASE's own): 0.2-0.35 s
-- less than writing them as text at 1M lines.
select
    cast(r.type as {{record_type_enum}}) as type, r._version, r._source, r._file, r._row,
    coalesce(r.record_key, d.record_key) as record_key,
    case
        when d._row is not null then 'deleted'
        when st.stage_entries is not null then 'staged'
        when r.row_status = 'superseded' then 'superseded'
        when r.row_status = 'current' then 'current'
        else 'unaccounted'
    end::ENUM('current', 'deleted', 'staged', 'superseded', 'unaccounted') as disposition,
    st.stage_code,
    st.stage_status,
    coalesce(st.stage_entries, 0) as stage_entries,
    r._slice_key
from raw_rows as r
left join staged as st on st.type = r.type and st._version = r._version and st._file = r._file and st._row is not distinct from r._row
left join deleted as d on d.type = r.type and d._version = r._version and d._file = r._file and d._row = r._row
