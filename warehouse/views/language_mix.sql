-- One row per language: articles and their share of the warehouse.
with final as (
    select
        coalesce(language, '(unknown)') as language,
        count(*) as articles,
        round(count(*) / sum(count(*)) over (), 4) as share
    from articles
    group by all
)

select * from final
