-- Merge a run's staged rows into a table by its key: a new key is inserted; an existing one
-- is left alone or updated, as the table declares. Loading the same files twice adds nothing.
-- {table}, {key_match} and {on_match} come from warehouse/schema.py, never from user input.
merge into {table} as target
using (
    select * from read_parquet($files, union_by_name = true)
) as staged
on {key_match}
{on_match}
when not matched then insert by name
