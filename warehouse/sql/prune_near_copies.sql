-- After a publish replaced articles: drop index rows and links of articles that are gone,
-- then groups left with their canonical alone.
delete from near_copy_index
where article_id not in (select article_id from articles);

delete from near_copies
where article_id not in (select article_id from articles)
    or canonical_id not in (select article_id from articles);

delete from near_copies
where is_canonical
    and canonical_id not in (
        select canonical_id from near_copies where not is_canonical
    );
