-- Custom domains: the two lifecycles of a tenant hostname (ownership/serving and certificate),
-- their event history, issued certificates with encrypted private keys, and the platform's ACME
-- account. See packages/domains/README.md.

-- Domain lifecycle: pending_verification -> verified -> active, plus failed / moved / removed.
-- Certificate lifecycle: none -> pending_issuance -> issued -> renewing, plus failed / expired.
-- Each machine keeps why it is where it is and when the next attempt is due.
alter table tenant_domains
  add column status_reason text,
  add column next_attempt_at timestamptz,
  add column attempts integer not null default 0,
  add column verify_deadline timestamptz,
  add column verified_at timestamptz,
  add column last_verified_at timestamptz,
  add column dangling_since timestamptz,
  add column cert_status text not null default 'none'
    check (cert_status in ('none', 'pending_issuance', 'issued', 'renewing', 'failed', 'expired')),
  add column cert_reason text,
  add column cert_next_attempt_at timestamptz,
  add column cert_attempts integer not null default 0,
  -- The ACME order in flight: a retry after a crash continues it instead of ordering again.
  add column cert_order_url text,
  -- The key of that order's CSR (envelope-encrypted), so a finalized order's certificate is
  -- usable when the retry downloads it.
  add column cert_pending_key_encrypted text;

-- A removed hostname no longer blocks another tenant from claiming it; the removed row stays
-- as history of the tenant that had it.
drop index tenant_domains_hostname_key;
create unique index tenant_domains_hostname_key on tenant_domains (hostname)
  where status <> 'removed';
create index tenant_domains_due on tenant_domains (next_attempt_at) where kind = 'custom';

-- The runtime role manages custom hostnames only; platform hostnames belong to onboarding.
grant insert, update on tenant_domains to tenantkit_app;
create policy app_custom_only_insert on tenant_domains as restrictive for insert to tenantkit_app
  with check (kind = 'custom');
create policy app_custom_only_update on tenant_domains as restrictive for update to tenantkit_app
  using (kind = 'custom') with check (kind = 'custom');

create table domain_events (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  hostname text not null,
  machine text not null check (machine in ('domain', 'certificate')),
  from_state text,
  to_state text not null,
  reason text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index domain_events_by_host on domain_events (tenant_id, hostname, created_at);

create table domain_certificates (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null,
  hostname text not null,
  serial text not null,
  not_before timestamptz not null,
  not_after timestamptz not null,
  certificate_pem text not null,
  -- encryptSecret(ring, pem, 'tenant:<id>:domain-cert:<hostname>:<id>')
  private_key_encrypted text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index domain_certificates_current on domain_certificates (tenant_id, hostname, not_after);

select tenantkit_isolate(t::regclass) from unnest(array['domain_events', 'domain_certificates']) as t;
grant select, insert on domain_events, domain_certificates to tenantkit_app;
grant select on domain_events, domain_certificates to tenantkit_ops;
create policy ops_read on domain_events for select to tenantkit_ops using (true);
create policy ops_read on domain_certificates for select to tenantkit_ops using (true);

-- The platform's account at each ACME directory (not tenant data: one per CA).
create table acme_accounts (
  directory_url text primary key,
  account_url text,
  -- encryptSecret(ring, pem, 'platform:acme-account:<directory_url>')
  account_key_encrypted text not null,
  created_at timestamptz not null default now()
);
grant select, insert, update on acme_accounts to tenantkit_app;

-- TLS handshakes arrive before any tenant is known (SNI is all there is), like host
-- resolution: one exact hostname in, the newest certificate of an active domain out.
create function certificate_for_hostname(p_hostname text)
returns table (tenant_id uuid, id uuid, certificate_pem text, private_key_encrypted text,
  not_after timestamptz)
language sql stable security definer set search_path = public, pg_temp
as $$
  select c.tenant_id, c.id, c.certificate_pem, c.private_key_encrypted, c.not_after
  from tenant_domains d
  join domain_certificates c on c.tenant_id = d.tenant_id and c.hostname = d.hostname
  where d.hostname = p_hostname and d.kind = 'custom' and d.status = 'active'
    and d.cert_status in ('issued', 'renewing') and c.not_after > now()
  -- The newest certificate still valid: after a renewal, the renewed one, whatever validity
  -- period the CA chose for each (a CA may backdate or vary it, so not_after alone can tie
  -- or even order them the wrong way).
  order by c.created_at desc, c.not_after desc
  limit 1
$$;
revoke all on function certificate_for_hostname(text) from public;
grant execute on function certificate_for_hostname(text) to tenantkit_app;

-- Job schedulers look for due work across tenants, then act inside each tenant's context.
create function domains_due(p_now timestamptz, p_limit integer)
returns table (tenant_id uuid, hostname text, status text, next_attempt_at timestamptz,
  cert_status text, cert_next_attempt_at timestamptz)
language sql stable security definer set search_path = public, pg_temp
as $$
  select d.tenant_id, d.hostname, d.status, d.next_attempt_at, d.cert_status,
    d.cert_next_attempt_at
  from tenant_domains d
  where d.kind = 'custom' and d.status not in ('removed', 'failed', 'moved')
    and (d.next_attempt_at <= p_now or d.cert_next_attempt_at <= p_now)
  order by least(d.next_attempt_at, d.cert_next_attempt_at)
  limit p_limit
$$;
revoke all on function domains_due(timestamptz, integer) from public;
grant execute on function domains_due(timestamptz, integer) to tenantkit_app;
