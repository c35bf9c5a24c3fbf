-- Every current general-import row (seed 004) classified: an override of an order item's recognition dates, a split
-- part of an order item, or an external line (its own contract); with its status: books, held (FUTURE_PERIOD, by
-- Booked_Date, checked first), excluded, or error (BAD_OVERRIDE, MISSING_FIELD, UNKNOWN_LINE). Readings where the
-- spec is silent are in docs/accounting-decisions.md.
with settings as (select * from {{ref 'int_settings'}}),
rows as (select * from {{ref 'stg_general_import'}} where row_status = 'current'),
items as (
    select
        o.sales_order_item_id, o.disposition, o.currency, o.minor_unit,
        a.allocated_minor, a.order_problem
    from {{ref 'int_order_lines'}} as o
    left join {{ref 'int_allocation'}} as a using (sales_order_item_id)
),
classified as (
    -- A split part without a Currency is in its order item's currency.
    select r.* replace (
            coalesce(r.amount_minor, case when r.error_code is null and r.amount_text is not null and r.currency is null
                and {{decimals_of 'r.amount_text'}} <= i.minor_unit then {{to_scaled 'r.amount_text' 'i.minor_unit'}} end) as amount_minor
        ),
        i.sales_order_item_id is not null as names_item,
        i.disposition as item_disposition,
        i.allocated_minor as item_allocated_minor,
        i.order_problem as item_order_problem,
        i.currency as item_currency,
        case
            when r.booked_date is not null and {{period_of 'r.booked_date'}} > s.current_period then 'held'
            when r.transaction_id in (select transaction_id from {{ref 'int_exclusion_ids'}}) then 'excluded'
            when i.disposition = 'excluded' then 'excluded'
        end as early_status
    from rows as r
    cross join settings as s
    left join items as i on i.sales_order_item_id = r.transaction_id
),
item_rows as (
    select c.*,
        count(*) filter (where split_transaction_id is not null and early_status is null) over (partition by transaction_id) as split_rows,
        count(*) filter (where split_transaction_id is null and early_status is null) over (partition by transaction_id) as plain_rows,
        sum(cast(amount_minor as decimal(18, 0))) filter (where split_transaction_id is not null and early_status is null) over (partition by transaction_id) as split_sum,
        count(*) filter (where split_transaction_id is not null and early_status is null
            and (recognition_start_date is null or recognition_end_date is null or amount_minor is null
                 or (currency is not null and currency <> item_currency))) over (partition by transaction_id) as incomplete_split_rows
    from classified as c
    where names_item
),
item_status as (
    select
        _version, _file, _row,
        case when split_transaction_id is null then 'override' else 'split_part' end as kind,
        case
            when early_status is not null then early_status
            when item_disposition <> 'books' or item_order_problem is not null then 'error'
            when split_transaction_id is not null and (incomplete_split_rows > 0 or split_sum <> item_allocated_minor) then 'error'
            when split_transaction_id is null and (split_rows > 0 or plain_rows > 1 or recognition_start_date is null or recognition_end_date is null) then 'error'
            else 'books'
        end as status,
        case
            when early_status = 'held' then 'FUTURE_PERIOD'
            when early_status = 'excluded' then 'EXCLUDED'
            when item_disposition <> 'books' or item_order_problem is not null then 'UNKNOWN_LINE'
            when split_transaction_id is not null and (incomplete_split_rows > 0 or split_sum <> item_allocated_minor) then 'BAD_OVERRIDE'
            when split_transaction_id is null and (split_rows > 0 or plain_rows > 1 or recognition_start_date is null or recognition_end_date is null) then 'BAD_OVERRIDE'
        end as code,
        case
            when early_status = 'held' then 'Booked_Date ' || booked_date || ' is in a future period; the row waits in the stage area until that period is open'
            when early_status = 'excluded' then 'order item ' || transaction_id || ' is excluded from revenue'
            when item_disposition <> 'books' or item_order_problem is not null then 'order item ' || transaction_id || ' is not in the books (it is in the stage area); fix it first'
            when split_transaction_id is not null and incomplete_split_rows > 0 then 'every split part of ' || transaction_id || ' needs Recognition_Start_Date, Recognition_End_Date and Amount in the item''s currency; the item keeps its order schedule'
            when split_transaction_id is not null and split_sum <> item_allocated_minor then 'the split parts of ' || transaction_id || ' sum to ' || split_sum || ' minor units but the item''s allocated amount is ' || item_allocated_minor || '; the item keeps its order schedule'
            when split_transaction_id is null and split_rows > 0 then 'order item ' || transaction_id || ' is also split; the split applies and this override is ignored'
            when split_transaction_id is null and plain_rows > 1 then 'order item ' || transaction_id || ' has overrides from more than one Source; keep one'
            when split_transaction_id is null then 'an override of ' || transaction_id || ' needs both Recognition_Start_Date and Recognition_End_Date; the item keeps its order schedule'
        end as message
    from item_rows
),
external_rows as (
    select c.*,
        booked_date is null or recognition_start_date is null or recognition_end_date is null or amount_minor is null or currency is null as incomplete,
        -- complete rows claiming the same line key from several sources: all rejected (no source wins by chance)
        count(*) filter (where early_status is null and booked_date is not null and recognition_start_date is not null
            and recognition_end_date is not null and amount_minor is not null and currency is not null)
            over (partition by transaction_id, coalesce(split_transaction_id, '')) as same_key_rows,
        -- the key of an invoice-as-contract line (those are made first)
        transaction_id || coalesce(':' || split_transaction_id, '') in (
            select coalesce(sales_order_item_id, invoice_number) from {{ref 'int_documents'}} where route = 'IAC' and status = 'books'
        ) as key_of_invoice_line
    from classified as c
    where not names_item
),
external_status as (
    select
        _version, _file, _row,
        'external' as kind,
        case
            when early_status is not null then early_status
            when incomplete or same_key_rows > 1 or key_of_invoice_line then 'error'
            else 'books'
        end as status,
        case
            when early_status = 'held' then 'FUTURE_PERIOD'
            when early_status = 'excluded' then 'EXCLUDED'
            when incomplete then 'MISSING_FIELD'
            when same_key_rows > 1 or key_of_invoice_line then 'BAD_OVERRIDE'
        end as code,
        case
            when early_status = 'held' then 'Booked_Date ' || booked_date || ' is in a future period; the row waits in the stage area until that period is open'
            when early_status = 'excluded' then 'transaction ' || transaction_id || ' is excluded from revenue'
            when incomplete then
                'an external transaction needs ' || concat_ws(', ',
                    case when booked_date is null then 'Booked_Date' end,
                    case when recognition_start_date is null then 'Recognition_Start_Date' end,
                    case when recognition_end_date is null then 'Recognition_End_Date' end,
                    case when amount_minor is null then 'Amount' end,
                    case when currency is null then 'Currency' end) || ' (no order item has this Transaction_ID)'
            when same_key_rows > 1 then 'transaction ' || transaction_id || coalesce(' split ' || split_transaction_id, '') || ' comes from more than one Source; keep one'
            when key_of_invoice_line then 'transaction ' || transaction_id || coalesce(':' || split_transaction_id, '') || ' has the key of an invoice-as-contract line; give it its own Transaction_ID'
        end as message
    from external_rows
)
select c.* exclude (names_item, item_disposition, item_allocated_minor, item_order_problem, item_currency, early_status),
    s.kind, s.status, s.code, s.message
from classified as c
join (select * from item_status union all select * from external_status) as s using (_version, _file, _row)
