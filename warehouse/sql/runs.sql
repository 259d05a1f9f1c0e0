-- Run history, newest first: what each run found, did and how it ended.
select
    run_id,
    status,
    strftime(started_at, '%Y-%m-%d %H:%M:%S') as started_utc,
    round(seconds, 1) as seconds,
    inputs_new as new,
    inputs_changed as changed,
    inputs_reprocessed as reprocessed,
    inputs_unchanged as unchanged,
    articles_loaded as loaded,
    duplicates,
    quarantined,
    expectations_failed as failed_checks,
    error
from pipeline_runs
order by started_at desc
limit $limit
