-- Extraction confidence of every article that has one.
select extraction_quality from articles where extraction_quality is not null
