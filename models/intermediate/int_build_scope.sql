-- One row: what this build must recompute. Incremental models recompute only the keys today's inputs touch (input
-- rows with a Version above previous_version), unless full_recompute says everything may have changed: the first
-- build, a period close or reopen (the current period moved), a changed project (models, macros, seeds, vars: the
-- state hash), a stage deletion, a full reload (rows of a file were replaced), or landed reference data (products,
-- currencies, GL accounts). full_restage is the same without the period: staging validates raw rows whatever the
-- period, so a close or reopen leaves it incremental (macro restage_all). full_rechain says when the models after
-- staging must be rebuilt in full (macro rechain_all); a close alone does not (period_moved: int_rechain_scope adds
-- the orders dated in the periods it opened, and only the models indexed by the current period rebuild in full,
-- macro rechain_all_or_period_moved).
with settings as (select current_period from {{ref 'int_settings'}}),
previous as (select * from {{source 'meta' 'build_state'}} where id = 1),
versions as (
    select greatest(
        (select coalesce(max(version), 0) from {{source 'meta' 'load_manifest'}}),
        {{#each (list "orders" "invoices" "commissions" "fx_rates" "general_import" "exclusions" "products" "currencies" "gl_accounts" "rejected_rows")}}
        (select coalesce(max(_version), 0) from {{source 'raw' this}}){{#unless @last}},{{/unless}}
        {{/each}}
    ) as current_version
),
scope as (
    select
        v.current_version,
        coalesce(p.built_version, -1) as previous_version,
        s.current_period,
        '{{var "revrec_state_hash"}}' as state_hash,
        (select count(*) from {{source 'meta' 'stage_deletions'}}) as stage_deletions,
        p.current_period as previous_period,
        p.built_version is null
            or p.state_hash <> '{{var "revrec_state_hash"}}'
            or p.stage_deletions <> (select count(*) from {{source 'meta' 'stage_deletions'}})
            or exists (select 1 from {{source 'meta' 'load_manifest'}} as m where m.mode = 'full_reload' and m.version > p.built_version)
            {{#each (list "products" "currencies" "gl_accounts")}}
            or exists (select 1 from {{source 'raw' this}} as r where r._version > p.built_version)
            {{/each}}
            as full_restage
    from versions as v
    cross join settings as s
    left join previous as p on true
),
recompute as (
    select *,
        full_restage or period_moved as full_recompute,
        -- a reopen (the period moved back) restores frozen state the slice cannot describe
        previous_period is null or current_period < previous_period as period_moved_back
    from (select *, previous_period is distinct from current_period as period_moved from scope)
)
select * exclude (period_moved_back),
    -- The models after staging (allocation, documents, lines, cumulatives, schedule) recompute only the orders
    -- today's orders, invoices, commissions, general-import rows, exclusions and rates touch, and after a close the
    -- orders with rows dated in the periods it opened (int_rechain_scope), with the rows outside any order whose keys
    -- those touch (int_side_scope), unless staging revalidated everything or a reopen moved the period back (macro
    -- rechain_all).
    full_restage or period_moved_back as full_rechain
from recompute
