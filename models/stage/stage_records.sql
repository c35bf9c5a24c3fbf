-- The stage area (inputs.md): every input record that cannot be used now, once, with the file, row (the header is
-- row 1), type, key, code, status (error, held, excluded) and a message a person can act on. Held records (a future
-- period, a missing exchange rate) and corrected versions enter the books by themselves on a later run; errors wait
-- for a corrected file, or for `revrec stage rm`.
with settings as (select * from {{ref 'int_settings'}}),
row_errors as (
    {{#each (list "orders" "invoices" "commissions" "fx_rates" "general_import" "exclusions" "products" "currencies" "gl_accounts")}}
    select '{{this}}' as type, _version, _source, _file, _row, record_key, error_code as code, 'error' as status, error_message as message
    from {{ref (concat "stg_" this)}} where row_status = 'error'
    {{#unless @last}}union all{{/unless}}
    {{/each}}
),
unreadable_rows as (
    select type, _version, _source, _file, _row, null as record_key, code, 'error' as status, message
    from {{source 'raw' 'rejected_rows'}} as r
    where not exists (
        select 1 from {{source 'meta' 'stage_deletions'}} as d
        where d.record_type = r.type and d._version = r._version and d._file = r._file and d._row is not distinct from r._row
    )
),
orders as (
    select 'orders' as type, _version, _source, _file, _row, sales_order_item_id as record_key,
        case disposition when 'held' then 'FUTURE_PERIOD' else 'EXCLUDED' end as code,
        disposition as status,
        case disposition
            when 'held' then 'Order_Date ' || order_date || ' is in period ' || {{period_of 'order_date'}} || ', after the current period; the item waits in the stage area until that period is open'
            else 'order ' || sales_order_id || ' / item ' || sales_order_item_id || ' is listed in the exclusion import'
        end as message
    from {{ref 'int_order_lines'}} where disposition in ('held', 'excluded')
    union all
    select 'orders', o._version, o._source, o._file, o._row, a.sales_order_item_id, a.order_problem, 'error',
        case a.order_problem
            when 'MISSING_SSP' then 'order ' || a.sales_order_id || ' has ' || a.line_count || ' lines and at least one has no SSP (not on the line, not in the products seed for ' || o.currency || ' on ' || o.order_date || '); add the SSP and the whole order is allocated'
            else 'order ' || a.sales_order_id || ' totals more than 10^14 minor units; check the quantities and prices'
        end
    from {{ref 'int_allocation'}} as a join {{ref 'int_order_lines'}} as o using (sales_order_item_id)
    where a.order_problem is not null
),
general_import as (
    select 'general_import' as type, _version, _source, _file, _row, record_key, code, status, message
    from {{ref 'int_general_import'}} where status <> 'books'
),
documents as (
    select 'invoices' as type, _version, _source, _file, _row, record_key, code, status, message
    from {{ref 'int_documents'}} where status <> 'books'
),
commissions as (
    select 'commissions' as type, _version, _source, _file, _row, record_key, code, status, message
    from {{ref 'int_commissions'}} where status <> 'books'
),
-- A record whose exchange rate is missing (FX-pending): the record the line comes from when its contract rate is
-- missing, a document or commission when its own rate is; one entry per record (an invoice-as-contract INV can
-- lack a rate both as the line's source and as its billing).
fx_pending_requests as (
    select l.src_type as type, l.src_version as _version, l.src_file as _file, l.src_row as _row, q.currency, q.rate_for_date,
        'the line waits and catches up once the rate arrives' as consequence
    from {{ref 'int_rate_lookups'}} as q
    join {{ref 'int_contract_lines'}} as l using (line_key)
    where q.request_kind = 'contract' and not q.has_rate
    union all
    select 'invoices', d._version, d._file, d._row, q.currency, q.rate_for_date, 'the document''s line waits and catches up once the rate arrives'
    from {{ref 'int_rate_lookups'}} as q
    join {{ref 'int_documents'}} as d on q.request_version = d._version and q.request_file = d._file and q.request_row = d._row
    where q.request_kind = 'document' and not q.has_rate
    union all
    select 'commissions', c._version, c._file, c._row, q.currency, q.rate_for_date, 'the commission''s line waits and catches up once the rate arrives'
    from {{ref 'int_rate_lookups'}} as q
    join {{ref 'int_commissions'}} as c on q.request_version = c._version and q.request_file = c._file and q.request_row = c._row
    where q.request_kind = 'commission' and not q.has_rate
),
fx_pending as (
    select q.type, q._version, r._source, q._file, q._row, r.record_key, 'FX_PENDING' as code, 'held' as status,
        'no ' || q.currency || ' rate to ' || s.home_currency || ' on ' || q.rate_for_date || ' or in the ' || s.max_rate_age_days
            || ' days before it; ' || q.consequence as message
    from fx_pending_requests as q
    cross join settings as s
    join (
        select 'orders' as type, _version, _file, _row, _source, record_key from {{ref 'stg_orders'}}
        union all select 'general_import', _version, _file, _row, _source, record_key from {{ref 'stg_general_import'}}
        union all select 'invoices', _version, _file, _row, _source, record_key from {{ref 'stg_invoices'}}
        union all select 'commissions', _version, _file, _row, _source, record_key from {{ref 'stg_commissions'}}
    ) as r using (type, _version, _file, _row)
    qualify row_number() over (partition by q.type, q._version, q._file, q._row order by q.rate_for_date) = 1
)
select type, _version, _source, _file as file, _row as "row", record_key as key, code, status, message
from (
    select * from row_errors
    union all by name select * from unreadable_rows
    union all by name select * from orders
    union all by name select * from general_import
    union all by name select * from documents
    union all by name select * from commissions
    union all by name select * from fx_pending
)
