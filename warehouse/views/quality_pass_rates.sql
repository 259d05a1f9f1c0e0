-- One row per run and stage: expectations checked and passed, and rows failing them.
with final as (
    select
        run_id,
        stage,
        count(*) as expectations,
        count(*) filter (where success) as passed,
        round(count(*) filter (where success) / count(*), 4) as pass_rate,
        sum(coalesce(unexpected_count, 0)) as failing_rows
    from quality_results
    group by all
)

select * from final
