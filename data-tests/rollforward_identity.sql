-- tags: marts, identities
-- The rollforward identity on every row of the current period (closed periods were checked when they were current
-- and are frozen since), in transaction and in home currency (accounting.md, "Rollforward"):
-- (EndU - EndUB) - (BegU - BegUB) = New_Billing - Revenue + Foreign_Currency_Change + Adjustment; FCC is 0 in
-- transaction currency; Revenue = Contra + Ordinary; Ending_Backlog = Beginning + New_Booking - Revenue;
-- Ending_Deferred_Expense = Beginning + New_Commissions - Amortization. Rows are failures.
-- One pass over the table (a UNION ALL of one branch per identity read it four times), naming the identities a row
-- fails only for the rows that fail one.
with checked as (
    select actg_period, line_key,
        (end_unearned_txn - end_unbilled_txn) - (beg_unearned_txn - beg_unbilled_txn) <> new_billing_txn - revenue_txn + fcc_txn + adjustment_txn
            or (end_unearned_home - end_unbilled_home) - (beg_unearned_home - beg_unbilled_home) <> new_billing_home - revenue_home + fcc_home + adjustment_home
            or fcc_txn <> 0
            or least(end_unearned_txn, end_unbilled_txn, end_unearned_home, end_unbilled_home, beg_unearned_txn, beg_unbilled_txn, beg_unearned_home, beg_unbilled_home) < 0
            as rollforward,
        revenue_txn <> revenue_contra_txn + revenue_ordinary_txn or revenue_home <> revenue_contra_home + revenue_ordinary_home as revenue_parts,
        end_backlog_txn <> beg_backlog_txn + new_booking_txn - revenue_txn or end_backlog_home <> beg_backlog_home + new_booking_home - revenue_home as backlog,
        end_deferred_expense_txn <> beg_deferred_expense_txn + new_commissions_txn - commission_amortization_txn
            or end_deferred_expense_home <> beg_deferred_expense_home + new_commissions_home - commission_amortization_home as deferred_expense
    from {{ref 'fct_line_current'}}
)
select actg_period, line_key, unnest(list_filter([
    case when rollforward then 'rollforward' end,
    case when revenue_parts then 'revenue parts' end,
    case when backlog then 'backlog' end,
    case when deferred_expense then 'deferred expense' end
], name -> name is not null)) as failed_identity
from checked
where rollforward or revenue_parts or backlog or deferred_expense
