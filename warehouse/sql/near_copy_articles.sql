-- What linking needs of these articles: text, whether the publisher served it, length and
-- when it was first seen. A run's staged rows win over published ones of the same id.
with wanted as (
    select unnest($ids) as article_id
),

staged as (
    select
        article_id,
        text,
        host_site,
        word_count,
        cast($at as timestamptz) as first_seen_at,
        true as is_staged
    from read_parquet($files)
    where article_id in (select article_id from wanted)
),

published as (
    select
        articles.article_id,
        articles.text,
        articles.host_site,
        articles.word_count,
        coalesce(
            (
                select min(copies.seen_at)
                from article_copies as copies
                where copies.article_id = articles.article_id
            ),
            articles.ingested_at
        ) as first_seen_at,
        false as is_staged
    from articles
    where articles.article_id in (select article_id from wanted)
        and articles.article_id not in (select article_id from staged)
),

final as (
    select * from staged
    union all
    select * from published
)

select article_id, text, host_site is null as is_original, word_count, first_seen_at, is_staged
from final
