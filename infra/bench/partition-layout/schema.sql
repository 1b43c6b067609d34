-- Tenant partition layout experiment: schema for ONE configuration.
-- Run as a superuser inside the scratch database (tk_layout_bench), which run.sh
-- drops and recreates for every configuration. The app role (:app_role) is created by run.sh.
--
-- Chosen layout (docs/adr/0001-tenant-partition-layout.md):
--   tasks_pooled    PARTITION BY HASH (tenant_id), 16 fixed leaves
--   tasks_dedicated PARTITION BY LIST (tenant_id), no DEFAULT, one leaf per dedicated tenant,
--                   created standalone then ATTACHed (see tk_create_dedicated_leaf)
-- Rejected alternative, built alongside for comparison (shortcuts explained at tasks_alt):
--   tasks_alt       PARTITION BY LIST (tenant_id), one partition per dedicated tenant
--                   + DEFAULT partition tasks_alt_default PARTITION BY HASH (tenant_id), 16 leaves
\set ON_ERROR_STOP on
set client_min_messages = warning;

grant usage on schema public to :"app_role";
alter default privileges in schema public grant select, insert, update, delete on tables to :"app_role";

-- The one RLS predicate used everywhere. The scalar subquery makes it an InitPlan (evaluated
-- once per query); plan-time pruning therefore relies on the explicit `tenant_id = $1`.
create function tk_add_tenant_policy(rel regclass) returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security, force row level security', rel);
  execute format($p$create policy tenant_isolation on %s
      using (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid)
      with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid)$p$, rel);
end $$;

-- Experiment bookkeeping (no RLS): which tenants exist, which are dedicated, load batches.
create table bench_tenants (
  n int primary key,
  tenant_id uuid not null unique,
  dedicated boolean not null,
  batch int not null
);

create table projects (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  description text not null default '',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
select tk_add_tenant_policy('projects');

-- ---------------------------------------------------------------- chosen: pooled
create table tasks_pooled (
  tenant_id uuid not null,
  id uuid not null,
  project_id uuid not null,
  title text not null,
  done boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
) partition by hash (tenant_id);
create index tasks_pooled_project_idx on tasks_pooled (tenant_id, project_id, id);
select tk_add_tenant_policy('tasks_pooled');

do $$
begin
  for r in 0..15 loop
    execute format('create table %I partition of tasks_pooled for values with (modulus 16, remainder %s)',
                   format('tasks_pooled_p%s', lpad(r::text, 2, '0')), r);
    perform tk_add_tenant_policy(format('tasks_pooled_p%s', lpad(r::text, 2, '0'))::regclass);
  end loop;
end $$;

-- ---------------------------------------------------------------- chosen: dedicated
create table tasks_dedicated (
  tenant_id uuid not null,
  id uuid not null,
  project_id uuid not null,
  title text not null,
  done boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
) partition by list (tenant_id);
create index tasks_dedicated_project_idx on tasks_dedicated (tenant_id, project_id, id);
select tk_add_tenant_policy('tasks_dedicated');

create function tk_dedicated_leaf_name(p_tenant uuid) returns text
  language sql immutable as $$ select 'tasks_t_' || replace(p_tenant::text, '-', '') $$;

-- Onboarding DDL for one dedicated tenant. Standalone table first (locks only the new table),
-- then ATTACH, which takes SHARE UPDATE EXCLUSIVE on the parent. The CHECK matching the
-- partition bound lets ATTACH skip its validation scan; the PK/index match the parent's, so
-- ATTACH adopts them. The FK is deliberately NOT added before ATTACH: ATTACH clones the
-- parent's FK (SHARE ROW EXCLUSIVE on projects). A leaf-level FK added beforehand creates its
-- own action triggers on projects, which ATTACH then drops -> ACCESS EXCLUSIVE on projects
-- until commit (see tk_create_dedicated_leaf_fk_first, measured for comparison).
create function tk_create_dedicated_leaf(p_tenant uuid) returns text language plpgsql as $$
declare
  leaf text := tk_dedicated_leaf_name(p_tenant);
begin
  execute format('create table %I (like tasks_dedicated including defaults)', leaf);
  execute format('alter table %I add primary key (tenant_id, id), add constraint %I check (tenant_id = %L::uuid)',
                 leaf, leaf || '_tenant_check', p_tenant);
  execute format('create index %I on %I (tenant_id, project_id, id)', leaf || '_project_idx', leaf);
  perform tk_add_tenant_policy(leaf::regclass);
  execute format('alter table tasks_dedicated attach partition %I for values in (%L)', leaf, p_tenant);
  return leaf;
end $$;

-- Bulk build (benchmark only): CREATE TABLE .. PARTITION OF reaches the same end state (PK,
-- index and FK cloned from the parent, plus the CHECK and the policy) with less DDL than
-- standalone + ATTACH. Onboarding cost/locks are measured with tk_create_dedicated_leaf.
create function bench_bulk_dedicated_leaf(p_tenant uuid) returns void language plpgsql as $$
declare
  leaf text := tk_dedicated_leaf_name(p_tenant);
begin
  execute format('create table %I partition of tasks_dedicated for values in (%L)', leaf, p_tenant);
  execute format('alter table %I add constraint %I check (tenant_id = %L::uuid)', leaf, leaf || '_tenant_check', p_tenant);
  perform tk_add_tenant_policy(leaf::regclass);
end $$;

-- Variant NOT used by the layout: FK created on the standalone table before ATTACH.
create function tk_create_dedicated_leaf_fk_first(p_tenant uuid) returns text language plpgsql as $$
declare
  leaf text := tk_dedicated_leaf_name(p_tenant);
begin
  execute format('create table %I (like tasks_dedicated including defaults)', leaf);
  execute format('alter table %I add primary key (tenant_id, id), add constraint %I check (tenant_id = %L::uuid),'
                 ' add foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade',
                 leaf, leaf || '_tenant_check', p_tenant);
  execute format('create index %I on %I (tenant_id, project_id, id)', leaf || '_project_idx', leaf);
  perform tk_add_tenant_policy(leaf::regclass);
  execute format('alter table tasks_dedicated attach partition %I for values in (%L)', leaf, p_tenant);
  return leaf;
end $$;

-- ---------------------------------------------------------------- rejected alternative
-- Benchmark shortcuts, none of which changes what is measured (pooled tenants through the
-- parent / the DEFAULT / a DEFAULT hash leaf, and onboarding one real leaf):
--  * the bulk-built dedicated partitions are storage-less shells (partitioned tables with no
--    partitions): to the planner they are list bounds that get pruned before being opened,
--    and the DEFAULT's partition constraint lists their values exactly as for real leaves;
--    creating 5,000 real tables (x3 files) would double the build time of this experiment;
--  * the DEFAULT is created after the bulk leaves (no DEFAULT re-check per bulk leaf);
--  * the parent has no PK/index; the DEFAULT's hash leaves get the same PK + index as
--    tasks_pooled_pNN; no FK (it would add action triggers to projects and skew the chosen
--    layout's cascade numbers).
create table tasks_alt (
  tenant_id uuid not null,
  id uuid not null,
  project_id uuid not null,
  title text not null,
  done boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
) partition by list (tenant_id);
select tk_add_tenant_policy('tasks_alt');

create function bench_bulk_alt_leaf(p_tenant uuid) returns void language plpgsql as $$
begin
  execute format('create table %I partition of tasks_alt for values in (%L) partition by list (tenant_id)',
                 'tasks_alt_t_' || replace(p_tenant::text, '-', ''), p_tenant);
end $$;

create function bench_alt_create_default() returns void language plpgsql as $$
declare
  leaf text;
begin
  create table tasks_alt_default partition of tasks_alt default partition by hash (tenant_id);
  perform tk_add_tenant_policy('tasks_alt_default');
  for r in 0..15 loop
    leaf := format('tasks_alt_default_p%s', lpad(r::text, 2, '0'));
    execute format('create table %I partition of tasks_alt_default for values with (modulus 16, remainder %s)', leaf, r);
    execute format('alter table %I add primary key (tenant_id, id)', leaf);
    execute format('create index %I on %I (tenant_id, project_id, id)', leaf || '_project_idx', leaf);
    perform tk_add_tenant_policy(leaf::regclass);
  end loop;
end $$;

-- Onboarding in the alternative, for the (c) comparison: CREATE TABLE .. PARTITION OF takes
-- ACCESS EXCLUSIVE on the parent and on the DEFAULT (whose rows must be scanned for the new
-- value), then the same PK + index as a chosen-layout leaf.
create function tk_create_alt_leaf(p_tenant uuid) returns text language plpgsql as $$
declare
  leaf text := 'tasks_alt_t_' || replace(p_tenant::text, '-', '');
begin
  execute format('create table %I partition of tasks_alt for values in (%L)', leaf, p_tenant);
  execute format('alter table %I add primary key (tenant_id, id)', leaf);
  execute format('create index %I on %I (tenant_id, project_id, id)', leaf || '_project_idx', leaf);
  return leaf;
end $$;

-- ---------------------------------------------------------------- data generation
-- Deterministic ids (md5-derived uuids) so every run builds the same data.
create function bench_tenant_id(n int) returns uuid language sql immutable as
  $$ select md5('tenant-' || n)::uuid $$;
create function bench_project_id(n int, j int) returns uuid language sql immutable as
  $$ select md5('project-' || n || '-' || j)::uuid $$;

-- Load one batch of tenants: 4 projects and tasks_per_tenant tasks each (25 per project).
-- One statement per relation per batch keeps the number of leaves (and so locks) touched by a
-- transaction bounded by the batch size. run.sh calls these with
-- session_replication_role = replica: the rows are consistent by construction and per-row
-- FK checks would dominate the build time (the FKs stay declared and valid).
create function bench_load_chosen(b int, tasks_per_tenant int) returns void language plpgsql as $$
begin
  insert into projects (tenant_id, id, name)
  select t.tenant_id, bench_project_id(t.n, j), 'project ' || j
  from bench_tenants t, generate_series(1, 4) j where t.batch = b;

  insert into tasks_pooled (tenant_id, id, project_id, title)
  select t.tenant_id, md5('task-' || t.n || '-' || k)::uuid, bench_project_id(t.n, k % 4 + 1), 'task ' || k
  from bench_tenants t, generate_series(1, tasks_per_tenant) k where t.batch = b and not t.dedicated;

  insert into tasks_dedicated (tenant_id, id, project_id, title)
  select t.tenant_id, md5('task-' || t.n || '-' || k)::uuid, bench_project_id(t.n, k % 4 + 1), 'task ' || k
  from bench_tenants t, generate_series(1, tasks_per_tenant) k where t.batch = b and t.dedicated;
end $$;

-- The alternative only gets its pooled tenants' rows (all in the DEFAULT): that is all its
-- measured queries read.
create function bench_load_alt(b int, tasks_per_tenant int) returns void language plpgsql as $$
begin
  insert into tasks_alt (tenant_id, id, project_id, title)
  select t.tenant_id, md5('task-' || t.n || '-' || k)::uuid, bench_project_id(t.n, k % 4 + 1), 'task ' || k
  from bench_tenants t, generate_series(1, tasks_per_tenant) k where t.batch = b and not t.dedicated;
end $$;

-- Lookup tables for pgbench (\set i random(1, count) then one indexed lookup).
create table bench_pick_pooled (i int primary key, tenant_id uuid not null, project_id uuid not null);
create table bench_pick_dedicated (i int primary key, tenant_id uuid not null, project_id uuid not null,
                                   leaf text not null);
