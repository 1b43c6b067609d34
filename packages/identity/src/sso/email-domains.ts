import { schema, withTenant } from '@tenantkit/db';
import { and, asc, eq } from 'drizzle-orm';
import { appendAuditEvent } from '../audit/index.ts';
import { assertPermitted } from '../rbac/index.ts';
import type { SsoContext } from './context.ts';
import { EmailDomainNotFoundError, InvalidSsoConnectionError } from './errors.ts';

const { ssoEmailDomains } = schema;

/**
 * How a tenant proves it owns a DNS name. Identity does not know DNS (packages/domains does);
 * the app builds this from `ensureChallengeToken` and `checkDomainOwnership`.
 */
export interface DomainOwnershipProver {
  /** The TXT record the tenant must publish for `domain`. */
  record(domain: string): Promise<{ name: string; value: string }>;
  check(
    domain: string,
  ): Promise<{ verified: true } | { verified: false; reason: string; detail: string }>;
}

export interface EmailDomainView {
  domain: string;
  verified: boolean;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  record: { type: 'TXT'; name: string; value: string };
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

export function normalizeEmailDomain(value: string): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(domain)) {
    throw new InvalidSsoConnectionError('domain', 'domain must be a DNS name such as acme.com');
  }
  return domain;
}

type Row = typeof ssoEmailDomains.$inferSelect;
async function view(row: Row, prover: DomainOwnershipProver): Promise<EmailDomainView> {
  return {
    domain: row.domain,
    verified: row.verifiedAt !== null,
    verifiedAt: row.verifiedAt,
    lastCheckedAt: row.lastCheckedAt,
    record: { type: 'TXT', ...(await prover.record(row.domain)) },
  };
}

/** Adds an email domain to prove (idempotent); answers with the TXT record to publish. */
export async function addSsoEmailDomain({
  ctx,
  input,
  prover,
}: {
  ctx: SsoContext;
  input: { domain: string };
  prover: DomainOwnershipProver;
}): Promise<EmailDomainView> {
  assertPermitted(ctx.permissions ?? new Set(), ['sso:manage']);
  const domain = normalizeEmailDomain(input.domain);
  const { deps, tenant } = ctx;
  const row = await withTenant(deps.db, tenant.id, async (tx) => {
    const [inserted] = await tx
      .insert(ssoEmailDomains)
      .values({ tenantId: tenant.id, domain })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'sso.email_domain.added',
        targetType: 'email_domain',
        targetId: domain,
      });
      return inserted;
    }
    const [existing] = await tx
      .select()
      .from(ssoEmailDomains)
      .where(and(eq(ssoEmailDomains.tenantId, tenant.id), eq(ssoEmailDomains.domain, domain)));
    if (!existing) throw new EmailDomainNotFoundError();
    return existing;
  });
  return view(row, prover);
}

/**
 * Checks the domain's `_tenantkit-challenge` TXT record now. A success is remembered; a failure
 * is reported (with the reason) but never un-verifies a domain proven earlier.
 */
export async function verifySsoEmailDomain({
  ctx,
  input,
  prover,
}: {
  ctx: SsoContext;
  input: { domain: string };
  prover: DomainOwnershipProver;
}): Promise<EmailDomainView & { check: { verified: boolean; reason?: string; detail?: string } }> {
  assertPermitted(ctx.permissions ?? new Set(), ['sso:manage']);
  const domain = normalizeEmailDomain(input.domain);
  const { deps, tenant } = ctx;
  const [known] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select()
      .from(ssoEmailDomains)
      .where(and(eq(ssoEmailDomains.tenantId, tenant.id), eq(ssoEmailDomains.domain, domain))),
  );
  if (!known) throw new EmailDomainNotFoundError();
  // DNS is asked outside any transaction: a slow resolver never holds a connection.
  const check = await prover.check(domain);
  const row = await withTenant(deps.db, tenant.id, async (tx) => {
    const now = new Date();
    const [updated] = await tx
      .update(ssoEmailDomains)
      .set({
        lastCheckedAt: now,
        ...(check.verified && !known.verifiedAt ? { verifiedAt: now } : {}),
      })
      .where(and(eq(ssoEmailDomains.tenantId, tenant.id), eq(ssoEmailDomains.domain, domain)))
      .returning();
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: check.verified ? 'sso.email_domain.verified' : 'sso.email_domain.verification_failed',
      targetType: 'email_domain',
      targetId: domain,
      data: check.verified ? {} : { reason: check.reason, detail: check.detail },
    });
    return updated ?? known;
  });
  return { ...(await view(row, prover)), check };
}

export async function listSsoEmailDomains({
  ctx,
  prover,
}: {
  ctx: SsoContext;
  prover: DomainOwnershipProver;
}): Promise<EmailDomainView[]> {
  assertPermitted(ctx.permissions ?? new Set(), ['sso:manage']);
  const rows = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select()
      .from(ssoEmailDomains)
      .where(eq(ssoEmailDomains.tenantId, ctx.tenant.id))
      .orderBy(asc(ssoEmailDomains.domain)),
  );
  return Promise.all(rows.map((row) => view(row, prover)));
}
