-- An input processed again (changed, or reprocessed on request) replaces what it produced
-- before: its copy row, its earlier article unless another input still holds that article
-- as a duplicate, the captions of articles being reloaded, and its quarantine rows.
delete from article_copies
where source_uri in (select source_uri from run_inputs);

delete from articles
where source_uri in (select source_uri from run_inputs)
    and article_id not in (
        select article_id from run_inputs where article_id is not null
    )
    and article_id not in (
        select article_id
        from inputs
        where outcome = 'duplicate'
            and article_id is not null
            and source_uri not in (select source_uri from run_inputs)
    );

delete from captions
where article_id not in (select article_id from articles)
    or article_id in (
        select article_id from run_inputs where outcome = 'loaded'
    );

delete from quarantine
where source_uri in (select source_uri from run_inputs);
