-- The latest runs, newest first, for the report's run table and validation chart.
with final as (
    select
        run_id,
        started_at,
        status,
        inputs_seen,
        articles_loaded,
        duplicates,
        coalesce(near_copies, 0) as near_copies,
        quarantined,
        expectations_failed,
        seconds
    from pipeline_runs
    order by started_at desc
    limit $runs
)

select * from final
