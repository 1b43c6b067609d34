-- Proof of domain ownership: a tenant proves it controls a DNS name by publishing
-- `_tenantkit-challenge.<domain> TXT "tenantkit-verification=<token>"`. The token is per
-- tenant (one TXT record proves the name for that tenant only, so a record copied from another
-- tenant's instructions proves nothing) and random, so nobody can publish it in advance.
-- Custom hostnames (packages/domains) and SSO email domains (identity) use the same check.

create table domain_challenges (
  tenant_id uuid primary key references tenants (id) on delete cascade,
  token text not null unique check (token ~ '^[a-z0-9]{32,64}$'),
  created_at timestamptz not null default now()
);

select tenantkit_isolate('domain_challenges'::regclass);
grant select, insert on domain_challenges to tenantkit_app;
grant select on domain_challenges to tenantkit_ops;
create policy ops_read on domain_challenges for select to tenantkit_ops using (true);
