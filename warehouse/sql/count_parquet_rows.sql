-- Rows in a set of staged Parquet files.
select count(*) from read_parquet($files, union_by_name = true)
