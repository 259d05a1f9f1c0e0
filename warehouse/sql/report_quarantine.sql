-- Inputs now in quarantine per stage and reason, most first.
select stage || '/' || reason as reason, inputs from quarantine_by_reason order by inputs desc
