{{config materialized='incremental' unique_key='record_key,_status_key' incremental_strategy='delete+insert' full_refresh_if=(restage_all) compute_in_temp=true}}
-- compute_in_temp (ModelConfig.computeInTemp): 0.44–0.46 s against 0.54–0.58 s in two full builds each at 1M lines.
-- Commissions as landed, validated row by row; key Commission_Id.
with src as (
    select
        _version, _source, _file, _row,
        {{clean 'Commission_Id'}} as commission_id,
        {{clean 'Sales_Order_Id'}} as sales_order_id,
        {{clean 'Sales_Order_Item_Id'}} as sales_order_item_id,
        {{clean 'Commission_Date'}} as commission_date_text,
        {{clean 'Commission_Amount'}} as commission_amount_text,
        upper({{clean 'Currency'}}) as currency,
        {{clean 'Class'}} as class
    from {{source 'raw' 'commissions'}} as r
    where
    {{#is_incremental}}
    -- Incremental runs validate only the keys today's rows touch (every version of each key); when int_build_scope
    -- says everything may have changed, full_refresh_if rebuilds the table instead. The key is taken from the raw
    -- columns, so untouched rows are never cleaned. It comes before not_deleted, which DuckDB then checks for the
    -- touched rows only (written after it, it was an anti join over every raw row: 0.25 s per 1M rows).
    ({{clean 'Commission_Id'}} in (select {{clean 'Commission_Id'}} from {{source 'raw' 'commissions'}} where _version > (select previous_version from {{ref 'int_build_scope'}}))
         or ({{clean 'Commission_Id'}} is null and r._version > (select previous_version from {{ref 'int_build_scope'}})))
    and
    {{/is_incremental}}
    {{not_deleted 'r' 'commissions'}}
),
checked as (
    select s.*, c.minor_unit,
        case
            when commission_id is null then {{problem 'MISSING_FIELD' "'Commission_Id is empty: fill it in and send the row again'"}}
            when sales_order_id is null then {{problem 'MISSING_FIELD' "'Sales_Order_Id is empty: fill it in and send the row again'"}}
            when sales_order_item_id is null then {{problem 'MISSING_FIELD' "'Sales_Order_Item_Id is empty: fill it in and send the row again'"}}
            when commission_date_text is null then {{problem 'MISSING_FIELD' "'Commission_Date is empty: fill it in and send the row again'"}}
            when commission_amount_text is null then {{problem 'MISSING_FIELD' "'Commission_Amount is empty: fill it in and send the row again'"}}
            when s.currency is null then {{problem 'MISSING_FIELD' "'Currency is empty: fill it in and send the row again'"}}
            when {{is_bad_date 'commission_date_text'}} then {{problem 'BAD_DATE' "'Commission_Date \"' || commission_date_text || '\" is not a real date; use YYYY-MM-DD'"}}
            when {{is_bad_number 'commission_amount_text' 18}} then {{problem 'BAD_NUMBER' "'Commission_Amount \"' || commission_amount_text || '\" is not a plain decimal (digits and an optional point, no exponent or separators)'"}}
            when starts_with(commission_amount_text, '-') then {{problem 'BAD_NUMBER' "'Commission_Amount ' || commission_amount_text || ' is negative: commissions are given positive'"}}
            when c.currency is null then {{problem 'UNKNOWN_CURRENCY' "'Currency \"' || s.currency || '\" is not a known ISO 4217 code; add it to seeds/currencies.csv or fix the row'"}}
            when {{decimals_of 'commission_amount_text'}} > c.minor_unit then {{problem 'BAD_NUMBER' "'Commission_Amount ' || commission_amount_text || ' has more decimals than ' || s.currency || ' allows (' || c.minor_unit || ')'"}}
        end as problem
    from src as s
    left join {{ref 'int_currencies'}} as c on c.currency = s.currency
),
rows_out as (
    select
        _version, _source, _file, _row,
        commission_id as record_key,
        commission_id, sales_order_id, sales_order_item_id,
        case when problem is null then cast(commission_date_text as date) end as commission_date,
        case when problem is null then {{to_scaled 'commission_amount_text' 'minor_unit'}} end as amount_minor,
        currency, minor_unit, class,
        problem.code as error_code,
        problem.message as error_message
    from checked
)
{{latest_version_status 'rows_out'}}
