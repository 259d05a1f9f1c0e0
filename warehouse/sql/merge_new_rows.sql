-- Insert the staged rows whose key the table does not hold yet: loading twice adds nothing.
-- {table} and {key_match} come from warehouse/schema.py, never from user input.
merge into {table} as target
using (
    select * from read_parquet($files, union_by_name = true)
) as staged
on {key_match}
when not matched then insert by name
