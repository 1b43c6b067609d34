-- pgbench -M simple: dedicated tenant on its own leaf, addressed by name (chosen layout,
-- dedicated tier). Literal values = a custom plan every time, like force_custom_plan.
\set i random(1, :npicks)
BEGIN;
SELECT tenant_id, project_id, leaf FROM bench_pick_dedicated WHERE i = :i \gset
SELECT set_config('app.tenant_id', ':tenant_id', true);
SELECT * FROM :leaf WHERE tenant_id = ':tenant_id' AND project_id = ':project_id' ORDER BY id LIMIT 50;
COMMIT;
