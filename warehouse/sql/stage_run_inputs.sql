-- The inputs a run processed, for retire_replaced.sql.
create or replace temp table run_inputs as
select source_uri, outcome, article_id
from read_parquet($files, union_by_name = true)
