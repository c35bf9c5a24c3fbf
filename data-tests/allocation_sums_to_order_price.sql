-- tags: marts, identities
-- Allocation (accounting.md, "Allocation"): within every order in the books, the allocated amounts sum exactly to
-- the order's transaction price TP = sum of bookings. Rows are failures.
select sales_order_id, sum(booking_minor) as tp, sum(allocated_minor) as allocated
from {{ref 'int_allocation'}}
where order_problem is null
group by sales_order_id
having sum(allocated_minor) <> sum(booking_minor)
