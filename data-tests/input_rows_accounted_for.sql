-- tags: marts, inputs
-- Bad input never vanishes (inputs.md): every raw row has exactly one place (current in a model, superseded by a
-- newer version, in the stage area once, or dropped by `revrec stage rm`), and every stage-area entry is a raw row.
-- Rows are failures.
select type, _version, _file, _row, record_key, disposition, stage_entries, 'no single disposition' as problem
from {{ref 'fct_input_row_dispositions'}}
where disposition = 'unaccounted' or stage_entries > 1
union all
select s.type, s._version, s.file, s."row", s.key, null, null, 'stage entry of no raw row'
from {{ref 'stage_records'}} as s
-- The raw rows the stage area names, found by probing the 2.6M dispositions against the few stage entries (an anti
-- join straight against the dispositions hashed all of them first: 0.24 → 0.20 s of a daily build at 1M lines). Rows
-- start at 1, so -1 stands for a missing row only in this narrowing; the join below keeps the exact condition.
anti join (
    select type, _version, _file, _row from {{ref 'fct_input_row_dispositions'}}
    where (type, _version, _file, coalesce(_row, -1)) in (select type, _version, file, coalesce("row", -1) from {{ref 'stage_records'}})
) as d
    on d.type = s.type and d._version = s._version and d._file = s.file and d._row is not distinct from s."row"
