-- One quarantined input with its ledger entry.
select
    quarantine.source_uri,
    quarantine.stage,
    quarantine.reason,
    quarantine.detail,
    quarantine.size_bytes,
    quarantine.stored_copy,
    quarantine.input_hash,
    quarantine.run_id,
    quarantine.quarantined_at,
    inputs.first_run_id,
    inputs.last_run_id
from quarantine
left join inputs on inputs.source_uri = quarantine.source_uri
where quarantine.source_uri = $source_uri
