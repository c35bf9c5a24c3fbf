-- Landed currencies*.csv rows, validated; the newest valid row per code is current (int_currencies merges it over the seed).
with landed as (
    select
        _version, _source, _file, _row,
        upper({{clean 'Currency'}}) as currency,
        {{clean 'Minor_Unit'}} as minor_unit_text
    from {{source 'raw' 'currencies'}} as r
    where {{not_deleted 'r' 'currencies'}}
),
checked as (
    select *,
        case
            when currency is null then {{problem 'MISSING_FIELD' "'Currency is empty: fill in the ISO 4217 code'"}}
            when minor_unit_text is null then {{problem 'MISSING_FIELD' "'Minor_Unit is empty: give the number of decimals (0 to 4)'"}}
            when not regexp_full_match(minor_unit_text, '[0-4]') then {{problem 'BAD_NUMBER' "'Minor_Unit \"' || minor_unit_text || '\" must be a whole number from 0 to 4'"}}
        end as problem
    from landed
),
rows_out as (
    select
        _version, _source, _file, _row,
        currency as record_key,
        currency,
        try_cast(minor_unit_text as integer) as minor_unit,
        problem.code as error_code,
        problem.message as error_message
    from checked
)
{{latest_version_status 'rows_out'}}
