-- sources: one row per outlet named in articles as publisher or host site. Rebuilt from
-- articles inside the publish transaction; $names and $domains are the outlet mapping.
insert into sources by name
with mapping as (
    select unnest($names) as source_name, unnest($domains) as mapped_domains
),

named as (
    select publisher as source_name, 'publisher' as role, url, host_site is null as served
    from articles
    where publisher is not null
    union all
    select host_site as source_name, 'host' as role, url, true as served
    from articles
    where host_site is not null
),

seen as (
    select
        source_name,
        count(*) filter (where role = 'publisher') as articles_published,
        count(*) filter (where role = 'host') as articles_hosted,
        list_sort(list_distinct(
            list(regexp_extract(lower(url), '^[a-z]+://(?:www\.)?([^/:?#]+)', 1))
                filter (where served and url is not null)
        )) as served_domains
    from named
    group by source_name
),

final as (
    select
        seen.source_name,
        coalesce(
            mapping.mapped_domains,
            list_filter(seen.served_domains, lambda d: d <> ''),
            []::varchar[]
        ) as domains,
        mapping.source_name is not null as is_mapped,
        seen.articles_published,
        seen.articles_hosted
    from seen
    left join mapping on mapping.source_name = seen.source_name
)

select * from final
