{{config materialized='view'}}
-- Every reported line row: closed periods exactly as frozen at their close (meta.frozen_line_periods) and the
-- current period (fct_line_current). A view, so a build never copies the frozen history.
select * from {{source 'meta' 'frozen_line_periods'}}
where actg_period < (select current_period from {{ref 'int_settings'}})
union all by name
select * from {{ref 'fct_line_current'}}
