-- Which of these article ids the warehouse already holds.
select article_id
from articles
where article_id in (select unnest($ids))
