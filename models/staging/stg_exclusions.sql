{{config materialized='incremental' unique_key='record_key,_status_key' incremental_strategy='delete+insert' full_refresh_if=(restage_all)}}
-- Exclusion import (seed 004): transaction ids (order, order item, invoice number or general-import transaction) to
-- take out of revenue.
with src as (
    select _version, _source, _file, _row, {{clean 'Transaction_ID'}} as transaction_id
    from {{source 'raw' 'exclusions'}} as r
    where
    {{#is_incremental}}
    -- Incremental runs validate only the keys today's rows touch (every version of each key); when int_build_scope
    -- says everything may have changed, full_refresh_if rebuilds the table instead. The key is taken from the raw
    -- columns, so untouched rows are never cleaned. It comes before not_deleted, which DuckDB then checks for the
    -- touched rows only (written after it, it was an anti join over every raw row: 0.25 s per 1M rows).
    ({{clean 'Transaction_ID'}} in (select {{clean 'Transaction_ID'}} from {{source 'raw' 'exclusions'}} where _version > (select previous_version from {{ref 'int_build_scope'}}))
         or ({{clean 'Transaction_ID'}} is null and r._version > (select previous_version from {{ref 'int_build_scope'}})))
    and
    {{/is_incremental}}
    {{not_deleted 'r' 'exclusions'}}
),
checked as (
    select *,
        case when transaction_id is null then {{problem 'MISSING_FIELD' "'Transaction_ID is empty: give the id to exclude'"}} end as problem
    from src
),
rows_out as (
    select _version, _source, _file, _row, transaction_id as record_key, transaction_id,
        problem.code as error_code, problem.message as error_message
    from checked
)
{{latest_version_status 'rows_out'}}
