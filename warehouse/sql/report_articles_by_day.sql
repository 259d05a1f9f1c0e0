-- Articles per day and publisher (the top publishers by name, the rest as "other"), dated by
-- publication, else the page's own date, else when they were loaded.
with dated as (
    select
        coalesce(publisher, '(unknown)') as publisher,
        coalesce(cast(published_at as date), page_date, cast(ingested_at as date)) as day
    from articles
),

top as (
    select publisher
    from dated
    group by publisher
    order by count(*) desc, publisher
    limit $top
),

final as (
    select
        dated.day,
        case when top.publisher is null then 'other' else dated.publisher end as publisher,
        count(*) as articles
    from dated
    left join top on top.publisher = dated.publisher
    group by all
)

select * from final
order by day, publisher
