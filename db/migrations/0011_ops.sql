-- Operations: the platform-operator realm (operators, their sessions) and the records of the
-- tenant lifecycle (scheduled deletions, purge reports). Operators are not tenant members:
-- these tables have no tenant_id, the runtime role gets no grant on them, and only the owner
-- role (the ops app and worker run lifecycle work as the owner) reaches them.

create table operators (
  id uuid primary key,
  email text not null check (length(email) between 3 and 320 and email = lower(email)),
  name text not null default '' check (length(name) <= 200),
  status text not null default 'active' check (status in ('active', 'disabled')),
  password_hash text not null,
  -- Envelope-encrypted TOTP secret; TOTP is not optional for operators.
  totp_secret text not null,
  totp_last_step bigint,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index operators_email_key on operators (email);

create table operator_sessions (
  id text primary key,
  operator_id uuid not null references operators (id) on delete cascade,
  secret_hash text not null,
  ip inet,
  user_agent text check (length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  absolute_expires_at timestamptz not null
);
create index operator_sessions_operator_idx on operator_sessions (operator_id);

-- A tenant whose deletion was requested: suspended now, purged after the grace period.
create table tenant_deletions (
  tenant_id uuid primary key references tenants (id) on delete cascade,
  requested_by text not null check (length(requested_by) between 1 and 200),
  requested_at timestamptz not null default now(),
  purge_after timestamptz not null,
  previous_status text not null check (previous_status in ('active', 'suspended'))
);

-- What each purge removed. Kept after the tenant is gone (no foreign key); the column is not
-- called tenant_id because this is the platform's record, not the tenant's data, and a purge
-- removes every row that has a tenant_id.
create table tenant_purges (
  purged_tenant_id uuid primary key,
  slug text not null,
  purged_at timestamptz not null default now(),
  removed jsonb not null
);

select tenantkit_isolate('tenant_deletions');

alter table operators enable row level security, force row level security;
alter table operator_sessions enable row level security, force row level security;
alter table tenant_purges enable row level security, force row level security;
create policy owner_maintenance on operators to tenantkit_owner using (true) with check (true);
create policy owner_maintenance on operator_sessions to tenantkit_owner using (true) with check (true);
create policy owner_maintenance on tenant_purges to tenantkit_owner using (true) with check (true);

grant select on tenant_deletions, tenant_purges to tenantkit_ops;
create policy ops_read on tenant_deletions for select to tenantkit_ops using (true);
create policy ops_read on tenant_purges for select to tenantkit_ops using (true);
