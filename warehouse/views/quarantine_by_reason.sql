-- One row per stage and reason: inputs in quarantine now, and the latest run that sent one.
with final as (
    select
        stage,
        reason,
        count(*) as inputs,
        max(quarantined_at) as last_quarantined_at
    from quarantine
    group by all
)

select * from final
