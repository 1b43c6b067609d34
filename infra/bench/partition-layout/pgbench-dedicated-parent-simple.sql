-- pgbench -M simple: same as pgbench-dedicated-parent-extended.sql, literal values, so it can
-- be compared 1:1 with pgbench-dedicated-leaf-simple.sql (pgbench cannot put a variable into
-- a table name with -M extended, so the leaf-by-name case has to run with -M simple).
\set i random(1, :npicks)
BEGIN;
SELECT tenant_id, project_id FROM bench_pick_dedicated WHERE i = :i \gset
SELECT set_config('app.tenant_id', ':tenant_id', true);
SELECT * FROM tasks_dedicated WHERE tenant_id = ':tenant_id' AND project_id = ':project_id' ORDER BY id LIMIT 50;
COMMIT;
