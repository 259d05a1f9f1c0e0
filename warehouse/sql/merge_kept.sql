-- Before merge_replace deletes the rows a run staged again: by key, the columns such a row
-- keeps from its first load.
create or replace temp table merge_kept as
select {target_keys}, {kept}
from {table} as target
semi join (select {keys} from read_parquet($files, union_by_name = true)) as staged
    on {key_match}
