{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_lines 'line_key') full_refresh_if=(rechain_all) keep_unchanged_rows=true}}
-- Accepted documents with their amount in the home currency: round(amount x rate of the billing date); an IVC or CMC
-- at the rate of the document it cancels, so a cancellation leaves no exchange residue. NULL home amount = the
-- needed rate is missing (the line is FX-pending).
-- keep_unchanged_rows: as int_documents, a day's slice mostly comes out as it was.
with docs as (select * from {{ref 'int_documents'}} where status = 'books'{{#is_incremental}} and {{in_rechain_lines 'line_key'}}{{/is_incremental}}),
rates as (select * from {{ref 'int_rate_lookups'}} where request_kind = 'document'{{#is_incremental}} and {{in_rechain_lines 'line_key'}}{{/is_incremental}})
select
    d.line_key, d._version, d._file, d._row, d.invoice_number, d.document_type, d.billing_date,
    {{period_of 'd.billing_date'}} as billing_period,
    d.amount_minor, d.signed_amount_minor, d.currency,
    coalesce(rc.has_rate, r.has_rate) as has_rate,
    coalesce(rc.rate_date, r.rate_date) as rate_date,
    case when coalesce(rc.has_rate, r.has_rate) then
        {{fx_convert 'd.signed_amount_minor' 'coalesce(rc.rate_num, r.rate_num)' 'coalesce(rc.rate_den, r.rate_den)' 'coalesce(rc.rate_fast, r.rate_fast)'}}
    end as signed_home_minor,
    greatest(d._version, coalesce(r.rate_version, 0), coalesce(rc.rate_version, 0)) as _version_with_rate
from docs as d
left join rates as r on r.request_version = d._version and r.request_file = d._file and r.request_row = d._row
-- (plain equalities, so DuckDB hash-joins; a document that cancels nothing has NULLs that match no request)
left join rates as rc on rc.request_version = d.cancels_version and rc.request_file = d.cancels_file and rc.request_row = d.cancels_row
