{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_orders 'sales_order_id') full_refresh_if=(rechain_all)}}
-- Relative-SSP allocation within each sales order (accounting.md, "Allocation"), over the order's lines in the
-- books: TP = sum of bookings; e_i = Quantity x SSP; Allocated_i = TP x e_i / sum(e) in minor units by largest
-- remainder (floor every share, one more unit to the largest fractional remainders, ties by item id), sign of TP
-- kept; sum(e) = 0 means Allocated = booking. An order of two or more lines with a line lacking any SSP goes to the
-- stage area whole (MISSING_SSP); so does an order whose total exceeds 10^14 minor units (BAD_NUMBER), the bound
-- that keeps every later product inside BIGINT/HUGEINT. All exact: e is scaled by 10^12, products in HUGEINT.
-- Weights are taken as non-negative (quantities and SSPs of one order have one sign).
with lines as (
    select *,
        cast(quantity_e6 as hugeint) * effective_ssp_e6 as e_e12
    from {{ref 'int_order_lines'}}
    where disposition = 'books'{{#is_incremental}} and {{in_rechain_orders 'sales_order_id'}}{{/is_incremental}}
),
orders as (
    select
        sales_order_id,
        count(*) as line_count,
        sum(booking_minor) as tp_wide,
        sum(e_e12) as sum_e,
        count(*) filter (where effective_ssp_e6 is null) as lines_without_ssp
    from lines
    group by sales_order_id
),
-- The products need HUGEINT; what goes on to the ranking below is narrowed to BIGINT (shares are at most |TP|) and a
-- fixed-width text sort key (remainders are below sum(e)): DuckDB 1.5 can mismatch HUGEINT columns that ride through
-- a window (seen with row_number), so no HUGEINT column reaches one.
shares as (
    select
        l.* exclude (e_e12),
        o.line_count,
        case when abs(o.tp_wide) <= 100000000000000 then cast(o.tp_wide as bigint) end as tp,
        case
            when abs(o.tp_wide) > 100000000000000 then 'BAD_NUMBER'
            when o.line_count >= 2 and o.lines_without_ssp > 0 then 'MISSING_SSP'
        end as order_problem,
        case when abs(o.tp_wide) <= 100000000000000 and o.line_count >= 2 and o.lines_without_ssp = 0 and o.sum_e <> 0
             then cast((abs(o.tp_wide) * l.e_e12) // abs(o.sum_e) as bigint) end as floor_share,
        case when abs(o.tp_wide) <= 100000000000000 and o.line_count >= 2 and o.lines_without_ssp = 0 and o.sum_e <> 0
             then lpad(cast((abs(o.tp_wide) * l.e_e12) % abs(o.sum_e) as varchar), 40, '0') end as remainder_key
    from lines as l
    join orders as o using (sales_order_id)
),
ranked as (
    select *,
        abs(tp) - sum(cast(floor_share as decimal(18, 0))) over (partition by sales_order_id) as leftover,
        row_number() over (partition by sales_order_id order by remainder_key desc, sales_order_item_id) as remainder_rank
    from shares
)
select
    * exclude (floor_share, remainder_key, leftover, remainder_rank),
    case
        when order_problem is not null then null
        when floor_share is null then booking_minor
        else cast(sign(tp) * (floor_share + case when remainder_rank <= leftover then 1 else 0 end) as bigint)
    end as allocated_minor
from ranked
