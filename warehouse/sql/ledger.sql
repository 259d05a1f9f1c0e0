-- What the warehouse knows of these inputs ($uris): when and by which code versions it
-- processed each.
with wanted as (
    select unnest($uris) as source_uri
),

last_runs as (
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
    inner join wanted on wanted.source_uri = inputs.source_uri
    left join last_runs on last_runs.run_id = inputs.last_run_id
    left join articles on articles.article_id = inputs.article_id
)

select * from final
