-- Documents that printed each of a batch's paragraphs before it: the run's total so far
-- (earlier runs included), else the earlier runs' count, else none.
with batch as (
    select unnest($sites) as site, unnest($hashes) as line_hash
),

final as (
    select
        batch.site,
        batch.line_hash,
        coalesce(run_site_lines.documents, site_lines.documents, 0) as documents
    from batch
    left join run_site_lines using (site, line_hash)
    left join site_lines using (site, line_hash)
)

select * from final
