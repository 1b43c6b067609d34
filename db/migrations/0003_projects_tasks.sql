-- The sample product resource that shows the whole isolation pattern: tenant_id leads every
-- key, RLS is forced everywhere, and tasks are partitioned by tenant (docs/adr/0001).

create table projects (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  description text not null default '' check (length(description) <= 10000),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- One logical `tasks` relation, two physical parents. Pooled tenants share 16 hash buckets;
-- each dedicated tenant owns a LIST leaf that the app queries directly. Neither parent has a
-- DEFAULT partition, so no partition constraint ever lists other tenants.
create table tasks_pooled (
  tenant_id uuid not null,
  id uuid not null,
  project_id uuid not null,
  title text not null check (length(title) between 1 and 500),
  done boolean not null default false,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
) partition by hash (tenant_id);
create index tasks_pooled_project_idx on tasks_pooled (tenant_id, project_id, id);

create table tasks_dedicated (like tasks_pooled including defaults including constraints)
  partition by list (tenant_id);
alter table tasks_dedicated add primary key (tenant_id, id);
alter table tasks_dedicated add foreign key (tenant_id, project_id)
  references projects (tenant_id, id) on delete cascade;
create index tasks_dedicated_project_idx on tasks_dedicated (tenant_id, project_id, id);

-- The isolation policy, applied to a table by name. Used here and for every dedicated leaf,
-- because policies on a parent do not apply when a partition is queried directly.
create function tenantkit_isolate(p_table regclass) returns void
language plpgsql as $$
begin
  execute format('alter table %s enable row level security, force row level security', p_table);
  execute format(
    'create policy tenant_isolation on %s '
    'using (tenant_id = (select nullif(current_setting(''app.tenant_id'', true), ''''))::uuid) '
    'with check (tenant_id = (select nullif(current_setting(''app.tenant_id'', true), ''''))::uuid)',
    p_table);
  execute format('create policy owner_maintenance on %s to tenantkit_owner using (true) with check (true)',
    p_table);
end
$$;

select tenantkit_isolate('projects');
select tenantkit_isolate('tasks_pooled');
select tenantkit_isolate('tasks_dedicated');

do $$
begin
  for i in 0..15 loop
    execute format(
      'create table %I partition of tasks_pooled for values with (modulus 16, remainder %s)',
      'tasks_pooled_' || lpad(i::text, 2, '0'), i);
    perform tenantkit_isolate(format('%I', 'tasks_pooled_' || lpad(i::text, 2, '0'))::regclass);
  end loop;
end
$$;

-- Tables partitioned by tenant: each has `<base>_pooled` (16 hash buckets) and
-- `<base>_dedicated` (a LIST leaf per dedicated tenant). Registering a base here is all a later
-- migration does to have every dedicated tenant, present and future, get a leaf of it.
create table tenantkit_tenant_partitioned (base text primary key);
insert into tenantkit_tenant_partitioned values ('tasks');

-- Creates (once) the dedicated leaf of one table for one tenant. The table is built standalone
-- and then attached: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent where CREATE ...
-- PARTITION OF would take ACCESS EXCLUSIVE, and the CHECK constraint lets ATTACH skip its
-- validation scan.
create function tenantkit_create_dedicated_leaf(p_base text, p_tenant uuid) returns text
language plpgsql as $$
declare
  parent text := p_base || '_dedicated';
  leaf text := p_base || '_t_' || replace(p_tenant::text, '-', '');
  privilege text;
begin
  if to_regclass(format('%I', leaf)) is not null then
    return leaf;
  end if;
  execute format('create table %I (like %I including defaults including constraints)', leaf, parent);
  execute format('alter table %I add constraint %I check (tenant_id = %L::uuid)',
    leaf, leaf || '_tenant_check', p_tenant);
  execute format('alter table %I attach partition %I for values in (%L)', parent, leaf, p_tenant);
  perform tenantkit_isolate(format('%I', leaf)::regclass);
  -- The app reads and writes a dedicated leaf directly, so it gets exactly the parent's
  -- privileges on it (the audit log stays append-only).
  for privilege in select unnest(array['select', 'insert', 'update', 'delete']) loop
    if has_table_privilege('tenantkit_app', parent, privilege) then
      execute format('grant %s on %I to tenantkit_app', privilege, leaf);
    end if;
  end loop;
  return leaf;
end
$$;

-- Every dedicated leaf of a tenant; what onboarding (and a move to the dedicated tier) calls.
create function tenantkit_create_dedicated_leaves(p_tenant uuid) returns setof text
language sql as $$
  select tenantkit_create_dedicated_leaf(base, p_tenant) from tenantkit_tenant_partitioned order by base
$$;

revoke all on function tenantkit_create_dedicated_leaf(text, uuid), tenantkit_create_dedicated_leaves(uuid),
  tenantkit_isolate(regclass) from public;

grant select, insert, update, delete on projects, tasks_pooled, tasks_dedicated to tenantkit_app;
grant select on projects, tasks_pooled, tasks_dedicated to tenantkit_ops;
create policy ops_read on projects for select to tenantkit_ops using (true);
create policy ops_read on tasks_pooled for select to tenantkit_ops using (true);
create policy ops_read on tasks_dedicated for select to tenantkit_ops using (true);
