-- This run's per-site paragraph counts, totals over every run so far. A temporary table: it
-- lives on the run's connection only (spilling to disk when large), never in the warehouse
-- file; the run stages it as Parquet, and the publish merges that into site_lines.
create or replace temp table run_site_lines (
    site varchar not null,
    line_hash varchar not null,
    documents bigint not null
)
