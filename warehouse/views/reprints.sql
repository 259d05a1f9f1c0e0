-- One row per copy of an article served by another site than its publisher or first copy:
-- who reprinted whom, and how long after the first copy was seen.
with first_copies as (
    select article_id, source_uri, host_site, seen_at
    from article_copies
    where is_first_copy
),

final as (
    select
        articles.article_id,
        articles.title,
        articles.publisher,
        copies.host_site as reprinted_by,
        copies.source_uri,
        copies.url,
        copies.seen_at,
        copies.seen_at - first_copies.seen_at as after_first_copy
    from article_copies as copies
    inner join articles on articles.article_id = copies.article_id
    left join first_copies on first_copies.article_id = copies.article_id
    where copies.host_site is not null
        and copies.host_site is distinct from articles.publisher
)

select * from final
