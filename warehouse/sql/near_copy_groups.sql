-- Published near-copy groups that hold any of these articles: every member and its canonical.
with touched as (
    select distinct canonical_id
    from near_copies
    where list_contains($ids, article_id)
),

final as (
    select near_copies.article_id, near_copies.canonical_id
    from near_copies
    inner join touched on touched.canonical_id = near_copies.canonical_id
)

select * from final
