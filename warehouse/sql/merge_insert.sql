-- Add a run's staged rows whose key the table lacks; rows it holds already stay as they are.
-- Loading the same files twice adds nothing. The table, its key and the key match come from
-- warehouse/schema.py, never from user input.
insert into {table} by name
select * from read_parquet($files, union_by_name = true) as staged
where not exists (select 1 from {table} as target where {key_match})
