-- Enterprise SSO: per-tenant OIDC connections, the email domains a tenant has proven it owns
-- (through the `_tenantkit-challenge` TXT record of 0005), the external identities that
-- signed in through a connection, and the tenant's "SSO required" policy.

alter table tenant_security add column sso_required boolean not null default false;

create table sso_connections (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  -- Always discovered from `<issuer>/.well-known/openid-configuration`, issuer checked.
  issuer text not null check (length(issuer) between 8 and 2048),
  client_id text not null check (length(client_id) between 1 and 512),
  -- Envelope-encrypted, aad `tenant:<tenant>:sso-connection:<id>:client-secret`.
  client_secret text,
  scopes text[] not null default '{openid,email,profile}',
  id_token_alg text not null default 'RS256'
    check (id_token_alg in ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA')),
  claim_email text not null default 'email',
  claim_name text not null default 'name',
  claim_groups text not null default 'groups',
  -- {"<idp group>": ["<role key>", ...]}: roles bound with source 'idp' at each sign-in.
  group_roles jsonb not null default '{}',
  jit_enabled boolean not null default false,
  -- Lower-case domains, each verified in sso_email_domains when claimed.
  email_domains text[] not null default '{}',
  enabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table sso_email_domains (
  tenant_id uuid not null references tenants (id) on delete cascade,
  domain text not null check (domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$'),
  verified_at timestamptz,
  last_checked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, domain)
);

-- Who signed in through a connection: (connection, sub) is the identity, never the email.
create table sso_identities (
  tenant_id uuid not null,
  connection_id uuid not null,
  subject text not null check (length(subject) between 1 and 255),
  user_id uuid not null,
  email text,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  primary key (tenant_id, connection_id, subject),
  foreign key (tenant_id, connection_id) references sso_connections (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index sso_identities_user_idx on sso_identities (tenant_id, user_id);

select tenantkit_isolate(t::regclass) from unnest(array[
  'sso_connections', 'sso_email_domains', 'sso_identities'
]) as t;

grant select, insert, update, delete on sso_connections, sso_email_domains, sso_identities
  to tenantkit_app;
