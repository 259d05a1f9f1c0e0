-- Record a batch's new totals in the run's counts.
merge into run_site_lines as target
using (
    select unnest($sites) as site, unnest($hashes) as line_hash, unnest($documents) as documents
) as batch
on target.site = batch.site and target.line_hash = batch.line_hash
when matched then update set documents = batch.documents
when not matched then insert by name
