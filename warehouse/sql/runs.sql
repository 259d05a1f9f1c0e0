-- Run history, newest first.
select
    run_id,
    status,
    started_at,
    round(seconds, 1) as seconds,
    inputs_seen,
    inputs_unchanged,
    articles_loaded,
    duplicates,
    quarantined,
    expectations_failed,
    error
from pipeline_runs
order by started_at desc
limit $limit
