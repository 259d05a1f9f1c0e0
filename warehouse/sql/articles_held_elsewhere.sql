-- Which of these articles the warehouse already holds from a different input.
with candidates as (
    select unnest($ids) as article_id, unnest($uris) as source_uri
),

final as (
    select candidates.article_id
    from candidates
    inner join articles on articles.article_id = candidates.article_id
    where articles.source_uri <> candidates.source_uri
)

select * from final
