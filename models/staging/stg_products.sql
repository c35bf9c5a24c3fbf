-- Landed products*.csv rows, validated; current rows replace seed rows with the same Product_Id + Currency + Effective_From.
with landed as (
    select
        _version, _source, _file, _row,
        {{clean 'Product_Id'}} as product_id,
        {{clean 'Product_Code'}} as product_code,
        {{clean 'Product_Name'}} as product_name,
        lower({{clean 'Recognition_Method'}}) as recognition_method,
        {{clean 'SSP'}} as ssp_text,
        upper({{clean 'Currency'}}) as currency,
        {{clean 'Effective_From'}} as effective_from_text
    from {{source 'raw' 'products'}} as r
    where {{not_deleted 'r' 'products'}}
),
checked as (
    select l.*,
        case
            when product_id is null then {{problem 'MISSING_FIELD' "'Product_Id is empty'"}}
            when {{is_bad_date 'effective_from_text'}} then {{problem 'BAD_DATE' "'Effective_From \"' || effective_from_text || '\" is not a real date; use YYYY-MM-DD'"}}
            when {{is_bad_number 'ssp_text' 6}} then {{problem 'BAD_NUMBER' "'SSP \"' || ssp_text || '\" is not a plain decimal with at most 6 decimals'"}}
            when ssp_text is not null and l.currency is null then {{problem 'MISSING_FIELD' "'Currency is empty: an SSP needs its currency'"}}
            when l.currency is not null and c.currency is null then {{problem 'UNKNOWN_CURRENCY' "'Currency \"' || l.currency || '\" is not a known ISO 4217 code; add it to seeds/currencies.csv or fix the row'"}}
            when recognition_method is not null and recognition_method not in ('ratable_daily', 'point_in_time') then {{problem 'MISSING_FIELD' "'Recognition_Method \"' || recognition_method || '\" must be ratable_daily or point_in_time'"}}
        end as problem
    from landed as l
    left join {{ref 'int_currencies'}} as c on c.currency = l.currency
),
rows_out as (
    select
        _version, _source, _file, _row,
        concat_ws('|', coalesce(product_id, ''), coalesce(currency, ''), coalesce(effective_from_text, '')) as record_key,
        product_id, product_code, product_name, recognition_method,
        case when problem is null and ssp_text is not null then {{to_scaled 'ssp_text' 6}} end as ssp_e6,
        currency,
        try_cast(effective_from_text as date) as effective_from,
        problem.code as error_code,
        problem.message as error_message
    from checked
)
{{latest_version_status 'rows_out'}}
