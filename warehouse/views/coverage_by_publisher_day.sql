-- One row per publisher and publication day: distinct articles, and the copies seen of them.
with copies as (
    select article_id, count(*) as copies
    from article_copies
    group by article_id
),

final as (
    select
        coalesce(articles.publisher, '(unknown)') as publisher,
        cast(articles.published_at as date) as published_on,
        count(*) as articles,
        sum(coalesce(copies.copies, 1)) as copies_seen
    from articles
    left join copies on copies.article_id = articles.article_id
    group by all
)

select * from final
