-- Account type → GL account: the seed, replaced by landed rows with the same account type.
select
    coalesce(l.account_type, s.Account_Type) as account_type,
    coalesce(l.account_id, cast(s.Account_Id as varchar)) as account_id
from {{ref 'gl_accounts'}} as s
full outer join (select * from {{ref 'stg_gl_accounts'}} where row_status = 'current') as l
    on l.account_type = s.Account_Type
