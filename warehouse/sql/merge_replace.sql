-- Replace the rows whose key a run staged again, and add the new ones (the kept columns come
-- back from merge_kept). A delete and an insert rather than MERGE's update: DuckDB writes
-- inserted rows to the file as the transaction goes, while updated rows wait in memory until
-- the commit, which a large run (a re-processing of everything) would outgrow.
delete from {table} as target
using (select {keys} from read_parquet($files, union_by_name = true)) as staged
where {key_match};

insert into {table} by name
select staged.* {replace}
from read_parquet($files, union_by_name = true) as staged
{join_kept}
