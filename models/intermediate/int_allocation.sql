{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_orders 'sales_order_id') full_refresh_if=(rechain_all) compute_in_temp=true}}
-- compute_in_temp (ModelConfig.computeInTemp): 0.97–0.99 s against 1.12–1.17 s in two full builds each at 1M lines.
-- Relative-SSP allocation within each sales order (accounting.md, "Allocation"), over the order's lines in the
-- books: TP = sum of bookings; e_i = Quantity x SSP; Allocated_i = TP x e_i / sum(e) in minor units by largest
-- remainder (floor every share, one more unit to the largest fractional remainders, ties by item id), sign of TP
-- kept; sum(e) = 0 means Allocated = booking. An order of two or more lines with a line lacking any SSP goes to the
-- stage area whole (MISSING_SSP); so does an order whose total exceeds 10^14 minor units (BAD_NUMBER), the bound
-- that keeps every later product inside BIGINT/HUGEINT. All exact: e is scaled by 10^12, products in HUGEINT.
-- Weights are taken as non-negative (quantities and SSPs of one order have one sign).
with lines as not materialized (
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
-- The products need HUGEINT. The ranking that hands out the leftover units runs on a narrow row (order, item,
-- floor, remainder) and is joined back: a window over the whole wide line sorted every column (1.5 s of 3.5 s at 1M
-- lines). One HUGEINT division per line (the remainder is share - floor x sum(e)): a division costs ~0.3 s per 1M.
-- No HUGEINT reaches the window (DuckDB 1.5 can mismatch HUGEINT columns that ride through one, seen with
-- row_number): the floor is narrowed to BIGINT (shares are at most |TP|) and the remainder, below sum(e), is ordered
-- as its two unsigned 64-bit halves. lines and shares are each read twice, and not materialized: DuckDB would
-- materialize a CTE read twice, which for these wide rows cost more than computing them twice.
shares as not materialized (
    select
        l.* exclude (e_e12),
        o.line_count,
        case when abs(o.tp_wide) <= 100000000000000 then cast(o.tp_wide as bigint) end as tp,
        case
            when abs(o.tp_wide) > 100000000000000 then 'BAD_NUMBER'
            when o.line_count >= 2 and o.lines_without_ssp > 0 then 'MISSING_SSP'
        end as order_problem,
        case when abs(o.tp_wide) <= 100000000000000 and o.line_count >= 2 and o.lines_without_ssp = 0 and o.sum_e <> 0
             then abs(o.tp_wide) * l.e_e12 end as share_e12,
        abs(o.sum_e) as sum_e_abs
    from lines as l
    join orders as o using (sales_order_id)
),
floors as (
    select sales_order_id, sales_order_item_id,
        cast(q as bigint) as floor_share,
        cast((share_e12 - q * sum_e_abs) >> 64 as ubigint) as remainder_hi,
        cast((share_e12 - q * sum_e_abs) & cast('18446744073709551615' as hugeint) as ubigint) as remainder_lo
    from (select sales_order_id, sales_order_item_id, share_e12, sum_e_abs, share_e12 // sum_e_abs as q
          from shares where share_e12 is not null)
),
ranked as (
    select sales_order_item_id, floor_share,
        sum(floor_share) over (partition by sales_order_id) as floor_total,
        row_number() over (partition by sales_order_id order by remainder_hi desc, remainder_lo desc, sales_order_item_id) as remainder_rank
    from floors
)
-- Only the allocation is stored, keyed by item: the line's other columns are int_order_lines' (a wide copy of them
-- here cost 1.8 s of writing at 1M lines, and the consumers join int_order_lines by item).
select
    s.sales_order_item_id, s.sales_order_id, s.line_count, s.tp, s.order_problem, s.booking_minor,
    case
        when s.order_problem is not null then null
        when r.floor_share is null then s.booking_minor
        else cast(sign(s.tp) * (r.floor_share + case when r.remainder_rank <= abs(s.tp) - r.floor_total then 1 else 0 end) as bigint)
    end as allocated_minor
from shares as s
left join ranked as r using (sales_order_item_id)
