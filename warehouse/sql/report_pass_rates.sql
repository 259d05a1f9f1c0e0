-- Pass rate per stage for the given runs.
select run_id, stage, pass_rate from quality_pass_rates where list_contains($ids, run_id)
