-- tenantkit:run-as admin
-- Roles are cluster-wide, so every statement here is idempotent: the same cluster may hold
-- many databases (one per test file) migrated from the same files.
do $$
begin
  if not exists (select from pg_roles where rolname = 'tenantkit_owner') then
    create role tenantkit_owner nologin;
  end if;
  -- The runtime role of api and worker: owns nothing, never bypasses RLS.
  if not exists (select from pg_roles where rolname = 'tenantkit_app') then
    create role tenantkit_app login nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
  end if;
  -- Platform operators: cross-tenant reads granted table by table, never writes through RLS.
  if not exists (select from pg_roles where rolname = 'tenantkit_ops') then
    create role tenantkit_ops login nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
  end if;
end
$$;

-- Generic plans of partitioned tables lock every partition at execution (PG15); custom plans
-- prune at plan time, so only the tenant's own partition is ever locked.
alter role tenantkit_app set plan_cache_mode = force_custom_plan;
alter role tenantkit_app set statement_timeout = '15s';
alter role tenantkit_app set idle_in_transaction_session_timeout = '30s';
alter role tenantkit_ops set plan_cache_mode = force_custom_plan;
alter role tenantkit_ops set default_transaction_read_only = on;

-- The migration runner switches to the owner role for every later file.
grant tenantkit_owner to current_user;
alter schema public owner to tenantkit_owner;
revoke create on schema public from public;
