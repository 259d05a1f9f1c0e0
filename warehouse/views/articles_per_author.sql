-- One row per author name: articles credited and the publishers they appeared under.
with credits as (
    select unnest(authors) as author, article_id, publisher
    from articles
),

final as (
    select
        author,
        count(distinct article_id) as articles,
        list(distinct publisher order by publisher) filter (where publisher is not null)
            as publishers
    from credits
    group by author
)

select * from final
