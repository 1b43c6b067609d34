-- tenantkit:run-as admin
-- Roles are cluster-wide, so every statement here is idempotent: the same cluster may hold
-- many databases (one per test file) migrated from the same files.
-- Several databases may be migrating at once (one per test file or CI job), and roles are
-- shared by all of them: each change is made only when missing, and a concurrent creator
-- winning the race is not an error.
create function pg_temp.ensure_role(p_name text, p_options text) returns void
language plpgsql as $$
begin
  if not exists (select from pg_roles where rolname = p_name) then
    execute format('create role %I %s', p_name, p_options);
  end if;
exception when duplicate_object or unique_violation then
  null;
end
$$;

create function pg_temp.ensure_role_setting(p_role text, p_name text, p_value text) returns void
language plpgsql as $$
begin
  if not exists (
    select from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
    where r.rolname = p_role and s.setdatabase = 0 and format('%s=%s', p_name, p_value) = any (s.setconfig)
  ) then
    execute format('alter role %I set %I = %L', p_role, p_name, p_value);
  end if;
exception when others then
  -- "tuple concurrently updated": another migrator is writing the same setting right now.
  if sqlstate <> 'XX000' then raise; end if;
end
$$;

select pg_temp.ensure_role('tenantkit_owner', 'nologin');
-- The runtime role of api and worker: owns nothing, never bypasses RLS.
select pg_temp.ensure_role('tenantkit_app', 'login nosuperuser nocreatedb nocreaterole nobypassrls noinherit');
-- Platform operators: cross-tenant reads granted table by table, never writes through RLS.
select pg_temp.ensure_role('tenantkit_ops', 'login nosuperuser nocreatedb nocreaterole nobypassrls noinherit');

-- Generic plans of partitioned tables lock every partition at execution (PG15); custom plans
-- prune at plan time, so only the tenant's own partition is ever locked.
select pg_temp.ensure_role_setting('tenantkit_app', 'plan_cache_mode', 'force_custom_plan');
select pg_temp.ensure_role_setting('tenantkit_app', 'statement_timeout', '15s');
select pg_temp.ensure_role_setting('tenantkit_app', 'idle_in_transaction_session_timeout', '30s');
select pg_temp.ensure_role_setting('tenantkit_ops', 'plan_cache_mode', 'force_custom_plan');
select pg_temp.ensure_role_setting('tenantkit_ops', 'default_transaction_read_only', 'on');

-- The migration runner switches to the owner role for every later file.
grant tenantkit_owner to current_user;
alter schema public owner to tenantkit_owner;
revoke create on schema public from public;
