-- Words in every article.
select word_count from articles
