-- Per-site paragraph counts of earlier runs, read at run start for the site chrome filter.
with final as (
    select
        site,
        line_hash,
        documents
    from site_lines
)

select * from final
