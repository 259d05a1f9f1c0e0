-- The ledger's latest version of each input: what a run compares new files against.
select source_uri, input_hash, size_bytes, modified_at
from inputs
qualify row_number() over (partition by source_uri order by run_id desc) = 1
