-- tags: marts, inputs
-- The input-row accounting adds up: per record type, the dispositions count exactly the raw table's rows plus the
-- unreadable rows of that type. Rows are failures.
with raw_counts as (
    {{#each (list "orders" "invoices" "commissions" "fx_rates" "general_import" "exclusions" "products" "currencies" "gl_accounts")}}
    select '{{this}}' as type, count(*) as raw_rows from {{source 'raw' this}}
    union all
    {{/each}}
    select 'rejected', 0 where false
),
rejected as (select type, count(*) as rejected_rows from {{source 'raw' 'rejected_rows'}} group by type),
dispositions as (select type, count(*) as disposition_rows from {{ref 'fct_input_row_dispositions'}} group by type)
select c.type, c.raw_rows, coalesce(r.rejected_rows, 0) as rejected_rows, coalesce(d.disposition_rows, 0) as disposition_rows
from raw_counts as c
left join rejected as r using (type)
left join dispositions as d using (type)
where c.raw_rows + coalesce(r.rejected_rows, 0) <> coalesce(d.disposition_rows, 0)
