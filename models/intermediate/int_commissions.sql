-- Every current commission tied to its contract line (the order item it names, or an external general-import line
-- of that Transaction_ID), with its status: books, held (FUTURE_PERIOD by Commission_Date, or its item is held),
-- excluded (its item is), or error (UNKNOWN_LINE).
with settings as (select * from {{ref 'int_settings'}}),
c as (select * from {{ref 'stg_commissions'}} where row_status = 'current'),
items as (
    select o.sales_order_item_id, o.disposition, a.order_problem
    from {{ref 'int_order_lines'}} as o
    left join {{ref 'int_allocation'}} as a using (sales_order_item_id)
),
lines as (select line_key, sales_order_item_id, line_kind from {{ref 'int_contract_lines'}} where line_kind in ('order', 'general'))
select
    c.*,
    l.line_key,
    case
        when {{period_of 'c.commission_date'}} > s.current_period then 'held'
        when i.disposition = 'held' then 'held'
        when i.disposition = 'excluded' then 'excluded'
        when c.sales_order_item_id in (select transaction_id from {{ref 'int_exclusion_ids'}}) then 'excluded'
        when l.line_key is not null then 'books'
        else 'error'
    end as status,
    case
        when {{period_of 'c.commission_date'}} > s.current_period or i.disposition = 'held' then 'FUTURE_PERIOD'
        when i.disposition = 'excluded' or c.sales_order_item_id in (select transaction_id from {{ref 'int_exclusion_ids'}}) then 'EXCLUDED'
        when l.line_key is null then 'UNKNOWN_LINE'
    end as code,
    case
        when {{period_of 'c.commission_date'}} > s.current_period then 'Commission_Date ' || c.commission_date || ' is in a future period; the commission waits in the stage area until that period is open'
        when i.disposition = 'held' then 'order item ' || c.sales_order_item_id || ' is held for a future period; the commission waits with it'
        when i.disposition = 'excluded' or c.sales_order_item_id in (select transaction_id from {{ref 'int_exclusion_ids'}}) then 'order item ' || c.sales_order_item_id || ' is excluded from revenue'
        when i.order_problem is not null then 'order item ' || c.sales_order_item_id || ' is in the stage area (' || i.order_problem || '); fix it first'
        when l.line_key is null then 'no order item ' || c.sales_order_item_id || ' is in the books; load the order first or fix the id'
    end as message
from c
cross join settings as s
left join items as i on i.sales_order_item_id = c.sales_order_item_id
left join lines as l on l.sales_order_item_id = c.sales_order_item_id
qualify row_number() over (partition by c._version, c._file, c._row order by l.line_kind = 'order' desc) = 1
