-- One row per publisher and publication day: distinct stories (near copies counted once, under the canonical article), and every copy seen of them.
with stories as (
    select
        articles.article_id,
        coalesce(near_copies.canonical_id, articles.article_id) as story_id
    from articles
    left join near_copies on near_copies.article_id = articles.article_id
),

copies as (
    select article_id, count(*) as copies
    from article_copies
    group by article_id
),

story_copies as (
    select stories.story_id, sum(coalesce(copies.copies, 1)) as copies
    from stories
    left join copies on copies.article_id = stories.article_id
    group by stories.story_id
),

final as (
    select
        coalesce(articles.publisher, '(unknown)') as publisher,
        cast(articles.published_at as date) as published_on,
        count(*) as articles,
        sum(story_copies.copies) as copies_seen
    from story_copies
    inner join articles on articles.article_id = story_copies.story_id
    group by all
)

select * from final
