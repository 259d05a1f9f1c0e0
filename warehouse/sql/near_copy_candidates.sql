-- Candidate near-copy pairs: a run's staged articles that share an LSH bucket with another
-- staged article or with a published one indexed under the same scheme. Each pair once;
-- candidates are verified on exact shingle similarity before anything is linked.
with staged as (
    select article_id, band, bucket
    from read_parquet($files)
    where scheme = $scheme
),

published as (
    select article_id, band, bucket
    from near_copy_index
    where scheme = $scheme
        and article_id not in (select article_id from staged)
),

indexed as (
    select *, false as is_published from staged
    union all
    select *, true as is_published from published
),

final as (
    select distinct staged.article_id, indexed.article_id as other_id
    from staged
    inner join indexed
        on indexed.band = staged.band
        and indexed.bucket = staged.bucket
        and indexed.article_id <> staged.article_id
    where indexed.is_published or staged.article_id < indexed.article_id
)

select * from final
order by article_id, other_id
