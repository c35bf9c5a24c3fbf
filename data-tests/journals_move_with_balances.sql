-- tags: marts, journals
-- The balance accounts move exactly with their balances, per line in the current period (home currency): the net credit to
-- Deferred Revenue is the change of Ending_Unearned_Revenue, the net debit to Unbilled Receivable the change of
-- Ending_Unbilled_Receivable, the net debit to Deferred Expense the change of Ending_Deferred_Expense. Rows are failures.
with nets as (
    select actg_period, line_key,
        sum(case when account_type = 'Deferred Revenue' then credit_minor - debit_minor else 0 end) as deferred_revenue_credit,
        sum(case when account_type = 'Unbilled Receivable' then debit_minor - credit_minor else 0 end) as unbilled_debit,
        sum(case when account_type = 'Deferred Expense' then debit_minor - credit_minor else 0 end) as deferred_expense_debit
    from {{ref 'fct_journal_lines'}}
    where actg_period = (select current_period from {{ref 'int_settings'}})
    group by actg_period, line_key
)
select r.actg_period, r.line_key,
    r.end_unearned_home - r.beg_unearned_home as unearned_change, coalesce(n.deferred_revenue_credit, 0) as deferred_revenue_credit,
    r.end_unbilled_home - r.beg_unbilled_home as unbilled_change, coalesce(n.unbilled_debit, 0) as unbilled_debit,
    r.end_deferred_expense_home - r.beg_deferred_expense_home as deferred_expense_change, coalesce(n.deferred_expense_debit, 0) as deferred_expense_debit
from {{ref 'fct_line_current'}} as r
left join nets as n using (actg_period, line_key)
where r.end_unearned_home - r.beg_unearned_home <> coalesce(n.deferred_revenue_credit, 0)
   or r.end_unbilled_home - r.beg_unbilled_home <> coalesce(n.unbilled_debit, 0)
   or r.end_deferred_expense_home - r.beg_deferred_expense_home <> coalesce(n.deferred_expense_debit, 0)
union all
-- journal rows without a reported row of their line and period
select j.actg_period, j.line_key, null, null, null, null, null, null
from (select distinct actg_period, line_key from {{ref 'fct_journal_lines'}} where actg_period = (select current_period from {{ref 'int_settings'}})) as j
anti join {{ref 'fct_line_current'}} as r using (actg_period, line_key)
