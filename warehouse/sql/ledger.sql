-- Every input the warehouse has processed, with when and by which code versions.
with last_runs as (
    select run_id, started_at from pipeline_runs
),

final as (
    select
        inputs.source_uri,
        inputs.input_hash,
        inputs.size_bytes,
        inputs.modified_at,
        last_runs.started_at as processed_at,
        articles.extractor_version,
        articles.normalizer_version
    from inputs
    left join last_runs on last_runs.run_id = inputs.last_run_id
    left join articles on articles.article_id = inputs.article_id
)

select * from final
