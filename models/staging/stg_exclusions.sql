-- Exclusion import (seed 004): transaction ids (order, order item, invoice number or general-import transaction) to
-- take out of revenue.
with src as (
    select _version, _source, _file, _row, {{clean 'Transaction_ID'}} as transaction_id
    from {{source 'raw' 'exclusions'}} as r
    where {{not_deleted 'r' 'exclusions'}}
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
