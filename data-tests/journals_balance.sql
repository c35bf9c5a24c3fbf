-- tags: marts, journals
-- Journals (accounting.md, "Journals"): per line in the current period (closed ones are frozen), debits equal credits; every netted row has exactly one
-- non-zero side. Rows are failures.
select actg_period, line_key, sum(debit_minor) as debits, sum(credit_minor) as credits
from {{ref 'fct_journal_lines'}}
where actg_period = (select current_period from {{ref 'int_settings'}})
group by actg_period, line_key
having sum(debit_minor) <> sum(credit_minor) or bool_or((debit_minor = 0) = (credit_minor = 0)) or bool_or(least(debit_minor, credit_minor) < 0)
