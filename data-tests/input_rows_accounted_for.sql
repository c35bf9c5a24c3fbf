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
anti join {{ref 'fct_input_row_dispositions'}} as d
    on d.type = s.type and d._version = s._version and d._file = s.file and d._row is not distinct from s."row"
