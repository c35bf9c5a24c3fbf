-- tags: marts, journals
-- The balance accounts move exactly with their balances, per line in the current period (home currency): the net credit to
-- Deferred Revenue is the change of Ending_Unearned_Revenue, the net debit to Unbilled Receivable the change of
-- Ending_Unbilled_Receivable, the net debit to Deferred Expense the change of Ending_Deferred_Expense; and no line has
-- journal rows without a reported row. Rows are failures. (One pass over the journals: they are a view, computed per
-- read, and the current period of a 1M-line warehouse takes 0.4 s.)
with nets as (
    select actg_period, line_key,
        sum(case when account_type = 'Deferred Revenue' then credit_minor - debit_minor else 0 end) as deferred_revenue_credit,
        sum(case when account_type = 'Unbilled Receivable' then debit_minor - credit_minor else 0 end) as unbilled_debit,
        sum(case when account_type = 'Deferred Expense' then debit_minor - credit_minor else 0 end) as deferred_expense_debit
    from {{ref 'fct_journal_lines'}}
    where actg_period = (select current_period from {{ref 'int_settings'}})
    group by actg_period, line_key
)
select coalesce(r.actg_period, n.actg_period) as actg_period, coalesce(r.line_key, n.line_key) as line_key,
    r.end_unearned_home - r.beg_unearned_home as unearned_change, coalesce(n.deferred_revenue_credit, 0) as deferred_revenue_credit,
    r.end_unbilled_home - r.beg_unbilled_home as unbilled_change, coalesce(n.unbilled_debit, 0) as unbilled_debit,
    r.end_deferred_expense_home - r.beg_deferred_expense_home as deferred_expense_change, coalesce(n.deferred_expense_debit, 0) as deferred_expense_debit
from {{ref 'fct_line_current'}} as r
-- a journal line without a reported row of its line and period comes out with the changes empty
full outer join nets as n using (actg_period, line_key)
where r.line_key is null
   or r.end_unearned_home - r.beg_unearned_home <> coalesce(n.deferred_revenue_credit, 0)
   or r.end_unbilled_home - r.beg_unbilled_home <> coalesce(n.unbilled_debit, 0)
   or r.end_deferred_expense_home - r.beg_deferred_expense_home <> coalesce(n.deferred_expense_debit, 0)
