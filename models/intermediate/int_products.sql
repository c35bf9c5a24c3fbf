-- Product catalogue rows (SSP per currency and effective date): the seed, replaced by landed rows with the same key.
with seed as (
    select
        trim(Product_Id) as product_id,
        Product_Code as product_code,
        Product_Name as product_name,
        lower(coalesce(Recognition_Method, 'ratable_daily')) as recognition_method,
        cast(SSP * 1000000 as bigint) as ssp_e6,
        upper(Currency) as currency,
        Effective_From as effective_from,
        0 as _version
    from {{ref 'products'}}
),
landed as (
    select product_id, product_code, product_name, coalesce(recognition_method, 'ratable_daily') as recognition_method,
        ssp_e6, currency, effective_from, _version
    from {{ref 'stg_products'}}
    where row_status = 'current'
)
select * from landed
union all
select s.* from seed as s
where not exists (
    select 1 from landed as l
    where l.product_id = s.product_id
      and l.currency is not distinct from s.currency
      and l.effective_from is not distinct from s.effective_from
)
