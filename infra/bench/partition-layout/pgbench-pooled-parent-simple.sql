-- pgbench -M simple: pooled tenant through tasks_pooled, to compare the protocol modes.
\set i random(1, :npicks)
BEGIN;
SELECT tenant_id, project_id FROM bench_pick_pooled WHERE i = :i \gset
SELECT set_config('app.tenant_id', ':tenant_id', true);
SELECT * FROM tasks_pooled WHERE tenant_id = ':tenant_id' AND project_id = ':project_id' ORDER BY id LIMIT 50;
COMMIT;
