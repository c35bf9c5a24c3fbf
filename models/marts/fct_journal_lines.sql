{{config materialized='view'}}
-- Journal lines in the home currency (accounting.md, "Journals"): per line and period the balanced pairs
--   billing (day-1 deferral)   Dr Revenue              Cr Deferred Revenue
--   ordinary revenue           Dr Deferred Revenue     Cr Revenue
--   contra reduction -Contra   Dr Contra Revenue       Cr Deferred Revenue
--   unbilled movement dEndUB   Dr Unbilled Receivable  Cr Deferred Revenue
--   foreign currency change    Dr Revenue              Cr Deferred Revenue
--   adjustment                 Dr Revenue              Cr Deferred Revenue
--   new commission             Dr Deferred Expense     Cr Expense Clearing
--   commission amortization    Dr Expense Recognized   Cr Deferred Expense
-- netted per account type into one debit or credit (a negative amount swaps sides; a zero net gives no row).
-- A view: journals are a pure function of the line rows, so closed periods are never copied at build time.
-- One branch per account: a UNION ALL of seven scans of the line rows, four times faster than unnesting a list of
-- seven structs per row (measured on the current period of 1M lines). Each branch names the view itself, not a CTE,
-- so a filter on the period reaches every scan (a CTE used seven times may be materialized whole).
-- Each scan also takes a data test's slice (macro in_test_slice): all rows unless a daily build's tests set it.
with nets as (
    select r.*, 'Revenue' as account_type, r.new_billing_home - r.revenue_ordinary_home + r.fcc_home + r.adjustment_home as net_debit from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Deferred Revenue', -r.new_billing_home + r.revenue_ordinary_home + r.revenue_contra_home
        - (r.end_unbilled_home - r.beg_unbilled_home) - r.fcc_home - r.adjustment_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Contra Revenue', -r.revenue_contra_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Unbilled Receivable', r.end_unbilled_home - r.beg_unbilled_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Deferred Expense', r.new_commissions_home - r.commission_amortization_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Expense Clearing', -r.new_commissions_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
    union all
    select r.*, 'Expense Recognized', r.commission_amortization_home from {{ref 'fct_line_periods'}} as r where {{in_test_slice 'r.line_key'}}
)
select
    n.actg_period, n.line_key, n.sales_order_id, n.sales_order_item_id, n.product_id, n.customer_id,
    n.account_type,
    g.account_id,
    cast(n.actg_period as varchar) || '-' || n.account_type as link_id,
    case when n.account_type in ('Deferred Expense', 'Expense Clearing', 'Expense Recognized') then n.commission_class end as class,
    greatest(n.net_debit, 0) as debit_minor,
    greatest(-n.net_debit, 0) as credit_minor,
    n.home_currency as currency,
    n.home_minor_unit as minor_unit,
    n.line_version
from nets as n
left join {{ref 'int_gl_accounts'}} as g on g.account_type = n.account_type
where n.net_debit <> 0
