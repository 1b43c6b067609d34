-- The tenant registry and the hostnames that reach each tenant.

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name text not null check (length(name) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'suspended', 'deleting')),
  tier text not null default 'pooled' check (tier in ('dedicated', 'pooled')),
  plan text not null default 'free' check (length(plan) between 1 and 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table tenant_domains (
  tenant_id uuid not null references tenants (id) on delete cascade,
  hostname text not null check (hostname = lower(hostname) and length(hostname) <= 253),
  kind text not null check (kind in ('platform', 'custom')),
  status text not null default 'pending_verification'
    check (status in ('pending_verification', 'verified', 'active', 'failed', 'moved', 'removed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, hostname)
);
-- A hostname reaches at most one tenant: a platform-wide invariant, hence the one unique key
-- that does not lead with tenant_id.
create unique index tenant_domains_hostname_key on tenant_domains (hostname);

-- Isolation: a tenant context sees its own row only; the owner role (migrations, onboarding)
-- sees everything through its own policy rather than through BYPASSRLS, which managed
-- Postgres services do not let an admin grant.
alter table tenants enable row level security, force row level security;
create policy tenant_isolation on tenants
  using (id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid)
  with check (id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);
create policy owner_maintenance on tenants to tenantkit_owner using (true) with check (true);
create policy ops_read on tenants for select to tenantkit_ops using (true);

alter table tenant_domains enable row level security, force row level security;
create policy tenant_isolation on tenant_domains
  using (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid)
  with check (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);
create policy owner_maintenance on tenant_domains to tenantkit_owner using (true) with check (true);
create policy ops_read on tenant_domains for select to tenantkit_ops using (true);

grant usage on schema public to tenantkit_app, tenantkit_ops;
grant select on tenants, tenant_domains to tenantkit_app, tenantkit_ops;

-- Host resolution happens before any tenant is known, so it cannot run under the tenant
-- policy. These two definer functions are the only cross-tenant reads the runtime role has:
-- one exact key in, at most one tenant out.
create function resolve_tenant_by_slug(p_slug text)
returns table (id uuid, slug text, name text, status text, tier text, plan text)
language sql stable security definer set search_path = public, pg_temp
as $$ select t.id, t.slug, t.name, t.status, t.tier, t.plan from tenants t where t.slug = p_slug $$;

create function resolve_tenant_by_hostname(p_hostname text)
returns table (id uuid, slug text, name text, status text, tier text, plan text)
language sql stable security definer set search_path = public, pg_temp
as $$
  select t.id, t.slug, t.name, t.status, t.tier, t.plan
  from tenant_domains d join tenants t on t.id = d.tenant_id
  where d.hostname = p_hostname and d.kind = 'custom' and d.status = 'active'
$$;

revoke all on function resolve_tenant_by_slug(text), resolve_tenant_by_hostname(text) from public;
grant execute on function resolve_tenant_by_slug(text), resolve_tenant_by_hostname(text)
  to tenantkit_app;
