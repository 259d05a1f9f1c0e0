-- The warehouse in four numbers: articles, copies seen, near copies linked, quarantined inputs.
select
    (select count(*) from articles) as articles,
    (select count(*) from article_copies) as copies,
    (select count(*) from near_copies where not is_canonical) as near_copies,
    (select count(*) from quarantine) as quarantined
