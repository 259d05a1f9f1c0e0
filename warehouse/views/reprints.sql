-- One row per reprint: an exact copy served by another site, or a near copy of a canonical article; who reprinted whom, and how long after the first copy.
with first_seen as (
    select article_id, min(seen_at) as seen_at
    from article_copies
    group by article_id
),

exact as (
    select
        copies.article_id,
        'exact' as kind,
        1.0 as similarity,
        copies.host_site as reprinted_by,
        copies.source_uri,
        copies.url,
        copies.seen_at
    from article_copies as copies
    inner join articles on articles.article_id = copies.article_id
    where copies.host_site is not null
        and copies.host_site is distinct from articles.publisher
),

near as (
    select
        near_copies.canonical_id as article_id,
        'near' as kind,
        near_copies.similarity,
        coalesce(copy.host_site, copy.publisher) as reprinted_by,
        copy.source_uri,
        copy.url,
        first_seen.seen_at
    from near_copies
    inner join articles as copy on copy.article_id = near_copies.article_id
    left join first_seen on first_seen.article_id = near_copies.article_id
    where not near_copies.is_canonical
),

final as (
    select
        reprints.article_id,
        articles.title,
        articles.publisher,
        reprints.kind,
        reprints.similarity,
        reprints.reprinted_by,
        reprints.source_uri,
        reprints.url,
        reprints.seen_at,
        reprints.seen_at - first_seen.seen_at as after_first_copy
    from (select * from exact union all select * from near) as reprints
    inner join articles on articles.article_id = reprints.article_id
    left join first_seen on first_seen.article_id = reprints.article_id
)

select * from final
