-- Quarantined inputs by stage and reason, most frequent first.
select
    stage,
    reason,
    count(*) as inputs,
    max(run_id) as latest_run_id,
    any_value(source_uri) as example_source_uri
from quarantine
group by stage, reason
order by inputs desc, stage, reason
