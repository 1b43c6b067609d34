-- Identity: members, credentials, sessions, roles and bindings, machine credentials, signing
-- keys and the audit log. Every table follows the isolation rules of 0003 (tenant_id leads
-- every key, RLS forced, one tenant_isolation policy).

create table users (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  email text not null check (length(email) between 3 and 320 and email like '%_@_%'),
  name text not null default '' check (length(name) <= 200),
  status text not null default 'active' check (status in ('active', 'deactivated')),
  password_hash text,
  -- Envelope-encrypted TOTP secret; the last accepted time step refuses a replayed code.
  totp_secret text,
  totp_enabled_at timestamptz,
  totp_last_step bigint,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index users_email_key on users (tenant_id, lower(email));

create table recovery_codes (
  tenant_id uuid not null,
  user_id uuid not null,
  code_hash text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, code_hash),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

create table sessions (
  tenant_id uuid not null,
  id text not null,
  user_id uuid not null,
  secret_hash text not null,
  ip inet,
  user_agent text check (length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Sliding (inactivity) and absolute expiry; the earlier one ends the session.
  expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index sessions_user_idx on sessions (tenant_id, user_id);
create index sessions_expiry_idx on sessions (expires_at);

create table roles (
  tenant_id uuid not null references tenants (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_-]{1,62}$'),
  name text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 1000),
  -- For built-in roles the code's catalog is authoritative; the row exists for keys and listing.
  permissions text[] not null default '{}',
  builtin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, key)
);

create table role_bindings (
  tenant_id uuid not null,
  principal_type text not null check (principal_type in ('user', 'client')),
  principal_id uuid not null,
  role_key text not null,
  -- 'idp' bindings are re-synchronised from SSO group claims; 'manual' ones never are.
  source text not null default 'manual' check (source in ('manual', 'idp')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, principal_type, principal_id, role_key),
  foreign key (tenant_id, role_key) references roles (tenant_id, key) on delete restrict
);
create index role_bindings_role_idx on role_bindings (tenant_id, role_key);

-- Per-tenant security policy and the RBAC version that any role or binding change bumps.
create table tenant_security (
  tenant_id uuid primary key references tenants (id) on delete cascade,
  mfa_required boolean not null default false,
  rbac_version bigint not null default 1,
  updated_at timestamptz not null default now()
);

create table invitations (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id text not null,
  email text not null check (length(email) between 3 and 320),
  role_keys text[] not null,
  token_hash text not null,
  invited_by uuid,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table api_keys (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id text not null,
  name text not null check (length(name) between 1 and 100),
  secret_hash text not null,
  scopes text[] not null,
  created_by uuid not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table service_clients (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  secret_hash text not null,
  scopes text[] not null,
  created_by uuid not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table signing_keys (
  tenant_id uuid not null references tenants (id) on delete cascade,
  kid text not null,
  alg text not null check (alg in ('ES256')),
  private_jwk text not null, -- envelope-encrypted
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  activates_at timestamptz not null,
  retires_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (tenant_id, kid)
);

-- The audit log, partitioned like tasks. Each event stores the hash of the tenant's previous
-- event; audit_chain_heads serialises appends per tenant and remembers the last link.
create table audit_events_pooled (
  tenant_id uuid not null,
  id uuid not null,
  seq bigint not null,
  occurred_at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('user', 'client', 'api_key', 'operator', 'system', 'anonymous')),
  actor_id text,
  action text not null check (length(action) between 1 and 100),
  target_type text,
  target_id text,
  ip inet,
  user_agent text,
  request_id text,
  data jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  primary key (tenant_id, id),
  unique (tenant_id, seq)
) partition by hash (tenant_id);
create index audit_events_pooled_time_idx on audit_events_pooled (tenant_id, occurred_at, id);

create table audit_events_dedicated (like audit_events_pooled including defaults including constraints)
  partition by list (tenant_id);
alter table audit_events_dedicated add primary key (tenant_id, id);
alter table audit_events_dedicated add unique (tenant_id, seq);
create index audit_events_dedicated_time_idx on audit_events_dedicated (tenant_id, occurred_at, id);

do $$
begin
  for i in 0..15 loop
    execute format(
      'create table %I partition of audit_events_pooled for values with (modulus 16, remainder %s)',
      'audit_events_pooled_' || lpad(i::text, 2, '0'), i);
    perform tenantkit_isolate(format('%I', 'audit_events_pooled_' || lpad(i::text, 2, '0'))::regclass);
  end loop;
end
$$;

create table audit_chain_heads (
  tenant_id uuid primary key references tenants (id) on delete cascade,
  last_seq bigint not null default 0,
  last_hash text not null
);

select tenantkit_isolate(t::regclass) from unnest(array[
  'users', 'recovery_codes', 'sessions', 'roles', 'role_bindings', 'tenant_security',
  'invitations', 'api_keys', 'service_clients', 'signing_keys', 'audit_events_pooled',
  'audit_events_dedicated', 'audit_chain_heads'
]) as t;

grant select, insert, update, delete on
  users, recovery_codes, sessions, roles, role_bindings, tenant_security, invitations, api_keys,
  service_clients, signing_keys, audit_chain_heads
  to tenantkit_app;
-- The audit log is append-only for the runtime role.
grant select, insert on audit_events_pooled, audit_events_dedicated to tenantkit_app;
grant select on users, roles, role_bindings, tenant_security, audit_events_pooled, audit_events_dedicated
  to tenantkit_ops;
create policy ops_read on users for select to tenantkit_ops using (true);
create policy ops_read on roles for select to tenantkit_ops using (true);
create policy ops_read on role_bindings for select to tenantkit_ops using (true);
create policy ops_read on tenant_security for select to tenantkit_ops using (true);
create policy ops_read on audit_events_pooled for select to tenantkit_ops using (true);
create policy ops_read on audit_events_dedicated for select to tenantkit_ops using (true);

insert into tenantkit_tenant_partitioned values ('audit_events');
-- Tenants that were dedicated before this migration get their audit leaf now (after the
-- grants above, which the leaf copies from its parent).
select tenantkit_create_dedicated_leaf('audit_events', id) from tenants where tier = 'dedicated';
