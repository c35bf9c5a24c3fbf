-- Landed gl_accounts*.csv rows, validated; current rows replace the seed's mapping of account type to GL account.
with landed as (
    select _version, _source, _file, _row,
        {{clean 'Account_Type'}} as account_type,
        {{clean 'Account_Id'}} as account_id
    from {{source 'raw' 'gl_accounts'}} as r
    where {{not_deleted 'r' 'gl_accounts'}}
),
checked as (
    select *,
        case
            when account_type is null then {{problem 'MISSING_FIELD' "'Account_Type is empty'"}}
            when account_id is null then {{problem 'MISSING_FIELD' "'Account_Id is empty'"}}
        end as problem
    from landed
),
rows_out as (
    select _version, _source, _file, _row, account_type as record_key, account_type, account_id,
        problem.code as error_code, problem.message as error_message
    from checked
)
{{latest_version_status 'rows_out'}}
