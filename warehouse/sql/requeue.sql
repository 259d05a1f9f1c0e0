-- Forget the ledger entries of quarantined inputs so the next run processes them again;
-- their quarantine rows go when that run replaces them.
delete from inputs
where outcome = 'quarantined'
    and source_uri in (
        select source_uri
        from quarantine
        where ($reason is null or reason = $reason)
            and ($stage is null or stage = $stage)
            and ($source_uri is null or source_uri = $source_uri)
    )
returning source_uri
