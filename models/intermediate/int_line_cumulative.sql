{{config materialized='incremental' incremental_strategy='replace_where' replace_where=(in_rechain_lines 'line_key') full_refresh_if=(rechain_all_or_period_moved) compute_in_temp=true}}
-- compute_in_temp (ModelConfig.computeInTemp): 1.55–1.73 s against 1.90–2.28 s (twice each, alone, at 1M lines).
-- Each contract line's cumulative amounts through the current period p*, computed with today's data
-- (accounting.md): revenue CR(p*) = sum over parts of round(TP_part(p*) x F(p*)); cumulative contra = the contra
-- formula summed over the periods that hold CM/CMC documents; billing; the adjustment that brings a finished
-- line's net balance to 0; booked price; commissions capitalized and amortized. Home amounts round the rounded
-- transaction cumulative at the contract rate (commissions at their own date's rate; documents at theirs). A line
-- missing any rate it needs is FX-pending. Reported movements are these minus the cumulative frozen at the last
-- close (fct_line_periods).
with settings as (select * from {{ref 'int_settings'}}),
lines as (select * from {{rechain_input 'int_contract_lines' lines='line_key'}}),
parts as (select * from {{rechain_input 'int_recognition_parts' lines='line_key'}}),
prices as (select * from {{rechain_input 'int_price_points' lines='line_key'}}),
p as (select current_period as cp, {{prev_period 'current_period'}} as cp_prev from settings),
contract_rate as (select * from {{ref 'int_rate_lookups'}} where request_kind = 'contract'{{#is_incremental}} and {{in_rechain_lines 'line_key'}}{{/is_incremental}}),
pending as (
    select line_key, true as is_pending, string_agg(distinct request_kind, ', ' order by request_kind) as pending_kinds
    from {{ref 'int_rate_lookups'}}
    where not has_rate{{#is_incremental}} and {{in_rechain_lines 'line_key'}}{{/is_incremental}}
    group by line_key
),
price_now as (select * from {{rechain_input 'int_price_now' lines='line_key'}}),
revenue_now as (
    select pr.line_key,
        cast(sum({{div_round (concat "pn.part_tp * " (cum_days "p.cp" "pr.start_date" "pr.days" "pr.recognition_method" "pr.booked_period")) "pr.days"}}) as bigint) as cum_revenue,
        any_value(pn.line_tp) as tp_now,
        max(pr.end_period) as end_period,
        any_value(pr.booked_period) as booked_period,
        max(pr.part_version) as parts_version
    from parts as pr
    join price_now as pn using (line_key, part_id)
    cross join p
    group by pr.line_key
),
-- Contra at each credit period q: round(TP(q) x F(q-1)) - round(TP(q-1) x F(q-1)), per part.
-- (only the lines that hold credit documents: the window over every line's initial point cost 0.15 s at 1M lines)
credit_points as (
    select pt.line_key, pt.part_id, pt.point_period, pt.part_tp,
        lag(pt.part_tp) over (partition by pt.line_key, pt.part_id order by pt.point_period nulls first) as previous_part_tp
    from prices as pt
    semi join (select distinct line_key from prices where point_period is not null) as credited using (line_key)
),
contra as (
    select cp.line_key,
        cast(sum(
            {{div_round (concat "cp.part_tp * " (cum_days (prev_period "cp.point_period") "pr.start_date" "pr.days" "pr.recognition_method" "pr.booked_period")) "pr.days"}}
          - {{div_round (concat "cp.previous_part_tp * " (cum_days (prev_period "cp.point_period") "pr.start_date" "pr.days" "pr.recognition_method" "pr.booked_period")) "pr.days"}}
        ) as bigint) as cum_contra
    from credit_points as cp
    join parts as pr using (line_key, part_id)
    where cp.point_period is not null
    group by cp.line_key
),
billing as (
    select line_key,
        cast(sum(signed_amount_minor) as bigint) as cum_billing,
        cast(sum(signed_home_minor) as bigint) as cum_billing_home,
        max(_version_with_rate) as docs_version
    from (
        select line_key, signed_amount_minor, signed_home_minor, _version_with_rate
        from {{ref 'int_documents_home'}}{{#is_incremental}} where {{in_rechain_lines 'line_key'}}{{/is_incremental}}
        union all
        -- An external general-import line is billed in full on its booked date (a charge made elsewhere), at that
        -- date's rate, which is its contract rate. It has no invoice document, so it is not in the invoices export.
        select l.line_key, l.allocated_minor,
            case when cr.has_rate then {{fx_convert 'l.allocated_minor' 'cr.rate_num' 'cr.rate_den' 'cr.rate_fast'}} end,
            cr._version
        from lines as l
        join contract_rate as cr on cr.line_key = l.line_key
        where l.line_kind = 'general'
    ) as bills
    group by line_key
),
-- Commissions: capitalized in their own period at their date's rate, amortized with the line's parts and method,
-- never before their own period (nor the booking period); with the expedient on, a line of 12 months or less
-- expenses them at once.
commission_parts as (
    select c.line_key, c.commission_id, c.amount_minor, {{period_of 'c.commission_date'}} as commission_period,
        c.class, c._version, r.has_rate, r.rate_num, r.rate_den, r.rate_fast, r.rate_version,
        pr.part_id, pr.start_date, pr.days, pr.recognition_method, pr.booked_period, pr.part_count, pr.part_amount_minor,
        pr.parts_total_minor as weight_total
    from {{ref 'int_commissions'}} as c
    join parts as pr using (line_key)
    left join {{ref 'int_rate_lookups'}} as r
        on r.request_kind = 'commission' and r.request_version = c._version and r.request_file = c._file and r.request_row = c._row
    where c.status = 'books'{{#is_incremental}} and {{in_rechain_lines 'c.line_key'}}{{/is_incremental}}
),
-- A commission on a line with one part (all but a few) is that part's; only split lines need the largest remainder
-- over the part amounts (a ranking window over every commission cost 0.2 s at 1M lines).
split_commission_parts as (
    select cp.* exclude (part_amount_minor, weight_total),
        -- products in HUGEINT, results narrowed to BIGINT before the ranking window (see int_allocation)
        case when cp.weight_total = 0 then null
             else cast((cast(cp.amount_minor as hugeint) * cp.part_amount_minor) // cp.weight_total as bigint) end as floor_share,
        case when cp.weight_total = 0 then null
             else cast((cast(cp.amount_minor as hugeint) * cp.part_amount_minor) % cp.weight_total as bigint) end as remainder
    from commission_parts as cp
    where cp.part_count > 1
),
commission_shares as (
    select * exclude (part_amount_minor, weight_total), amount_minor as share_minor
    from commission_parts
    where part_count = 1
    union all by name
    select * exclude (floor_share, remainder),
        case when floor_share is null then (case when row_number() over w_ = 1 then amount_minor else 0 end)
             else cast(floor_share + case when row_number() over w_ <= amount_minor - sum(cast(floor_share as decimal(18, 0))) over (partition by line_key, commission_id) then 1 else 0 end as bigint)
        end as share_minor
    from split_commission_parts
    window w_ as (partition by line_key, commission_id order by remainder desc nulls last, part_id)
),
commission_amortized as (
    select cs.line_key, cs.commission_id, any_value(cs.amount_minor) as amount_minor, any_value(cs.commission_period) as commission_period,
        any_value(cs.class) as class, any_value(cs._version) as _version,
        any_value(cs.has_rate) as has_rate, any_value(cs.rate_num) as rate_num, any_value(cs.rate_den) as rate_den,
        any_value(cs.rate_fast) as rate_fast, any_value(cs.rate_version) as rate_version,
        cast(sum(case
            when p.cp < greatest(cs.commission_period, cs.booked_period) then 0
            when s.commission_expedient and l.duration_hundredths <= 1200 then cs.share_minor
            else {{div_round (concat "cs.share_minor * " (cum_days "p.cp" "cs.start_date" "cs.days" "cs.recognition_method" "cs.booked_period")) "cs.days"}}
        end) as bigint) as amortized_minor
    from commission_shares as cs
    join lines as l using (line_key)
    cross join p
    cross join settings as s
    group by cs.line_key, cs.commission_id
),
commissions as (
    select line_key,
        cast(sum(amount_minor) as bigint) as cum_commissions,
        cast(sum(amortized_minor) as bigint) as cum_amortization,
        cast(sum({{fx_convert 'amount_minor' 'rate_num' 'rate_den' 'rate_fast'}}) as bigint) as cum_commissions_home,
        cast(sum({{fx_convert 'amortized_minor' 'rate_num' 'rate_den' 'rate_fast'}}) as bigint) as cum_amortization_home,
        min(class order by commission_id) as commission_class,
        max(greatest(_version, coalesce(rate_version, 0))) as commissions_version
    from commission_amortized
    group by line_key
),
txn as (
    select
        l.line_key,
        coalesce(pe.is_pending, false) as is_pending,
        pe.pending_kinds,
        rv.tp_now,
        rv.cum_revenue,
        coalesce(ct.cum_contra, 0) as cum_contra,
        coalesce(b.cum_billing, 0) as cum_billing,
        b.cum_billing_home,
        case when p.cp >= rv.end_period then -(coalesce(b.cum_billing, 0) - rv.cum_revenue) else 0 end as cum_adjustment,
        case when p.cp >= rv.booked_period then rv.tp_now else 0 end as cum_booked,
        coalesce(cm.cum_commissions, 0) as cum_commissions,
        coalesce(cm.cum_amortization, 0) as cum_amortization,
        coalesce(cm.cum_commissions_home, 0) as cum_commissions_home,
        coalesce(cm.cum_amortization_home, 0) as cum_amortization_home,
        cm.commission_class,
        cr.rate_num, cr.rate_den, cr.rate_fast, cr.rate_date as contract_rate_date, cr.rate_text as contract_rate_text,
        cr.is_inverse as contract_rate_is_inverse,
        greatest(l.line_version, rv.parts_version, coalesce(b.docs_version, 0), coalesce(cm.commissions_version, 0), coalesce(cr._version, 0)) as line_version
    from lines as l
    cross join p
    join revenue_now as rv using (line_key)
    left join contra as ct using (line_key)
    left join billing as b using (line_key)
    left join commissions as cm using (line_key)
    left join contract_rate as cr on cr.line_key = l.line_key
    left join pending as pe using (line_key)
)
select
    t.* exclude (rate_num, rate_den, rate_fast),
    t.cum_billing - t.cum_revenue + t.cum_adjustment as net,
    case when not t.is_pending then {{fx_convert 't.cum_revenue' 't.rate_num' 't.rate_den' 't.rate_fast'}} end as cum_revenue_home,
    case when not t.is_pending then {{fx_convert 't.cum_contra' 't.rate_num' 't.rate_den' 't.rate_fast'}} end as cum_contra_home,
    case when not t.is_pending then {{fx_convert 't.cum_adjustment' 't.rate_num' 't.rate_den' 't.rate_fast'}} end as cum_adjustment_home,
    case when not t.is_pending then {{fx_convert 't.cum_booked' 't.rate_num' 't.rate_den' 't.rate_fast'}} end as cum_booked_home,
    case when not t.is_pending then {{fx_convert '(t.cum_billing - t.cum_revenue + t.cum_adjustment)' 't.rate_num' 't.rate_den' 't.rate_fast'}} end as net_home,
    t.rate_num as contract_rate_num, t.rate_den as contract_rate_den, t.rate_fast as contract_rate_fast
from txn as t
