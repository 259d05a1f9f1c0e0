-- Articles per language, most first.
select language, articles from language_mix order by articles desc
