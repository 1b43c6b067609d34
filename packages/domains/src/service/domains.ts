import {
  ConflictError,
  DomainError,
  NotFoundError,
  schema,
  uuidv7,
  withTenant,
} from '@tenantkit/db';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { applyTransition, type DomainEvent, lockDomain } from '../lifecycle/transition.ts';
import { ensureChallengeToken } from '../ownership/token.ts';
import type { DomainServiceContext } from './context.ts';
import { claimableHostname } from './hostname.ts';
import { type DomainView, domainView } from './view.ts';

const { tenantDomains, domainEvents } = schema;

export class DomainLimitError extends DomainError {
  constructor(limit: number) {
    super('unprocessable', 'domain-limit-reached', `this plan allows ${limit} custom domains`, {
      limit,
    });
  }
}

const isUniqueViolation = (e: unknown): boolean => {
  for (let err = e; err; err = (err as { cause?: unknown }).cause) {
    if ((err as { code?: string }).code === '23505') return true;
  }
  return false;
};

/**
 * Claims `hostname` for the tenant: `pending_verification` until its TXT record proves it.
 * A hostname another tenant holds is a 409 (the unique key decides, so two tenants racing
 * for one name cannot both win); the plan's domain limit is checked under a per-tenant lock.
 */
export async function addDomain({
  ctx,
  input,
}: {
  ctx: DomainServiceContext;
  input: { hostname: string };
}): Promise<{ domain: DomainView; events: DomainEvent[] }> {
  const { tenant, policy } = ctx;
  const hostname = claimableHostname(input.hostname, ctx.platformDomain);
  const token = await ensureChallengeToken(ctx.db, tenant.id);
  const now = ctx.now?.() ?? new Date();
  const limit = policy.domainLimits[tenant.plan] ?? policy.domainLimits.default;
  const fresh = {
    status: 'pending_verification' as const,
    statusReason: 'waiting for the TXT record',
    nextAttemptAt: now,
    attempts: 0,
    verifyDeadline: new Date(now.getTime() + policy.verifyWindowMs),
    verifiedAt: null,
    lastVerifiedAt: null,
    danglingSince: null,
  };
  try {
    return await withTenant(ctx.db, tenant.id, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`domains:${tenant.id}`}))`);
      const [{ count } = { count: 0 }] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(tenantDomains)
        .where(
          and(
            eq(tenantDomains.tenantId, tenant.id),
            eq(tenantDomains.kind, 'custom'),
            ne(tenantDomains.status, 'removed'),
          ),
        );
      if (count >= limit) throw new DomainLimitError(limit);
      const existing = await lockDomain(tx, tenant.id, hostname);
      let result: { row: typeof tenantDomains.$inferSelect; events: DomainEvent[] };
      if (existing && existing.status !== 'removed') {
        throw new ConflictError('domain-exists', `${hostname} is already one of your domains`);
      } else if (existing) {
        result = await applyTransition(tx, existing, { ...fresh, certStatus: 'none' }, now);
      } else {
        const [row] = await tx
          .insert(tenantDomains)
          .values({ tenantId: tenant.id, hostname, kind: 'custom', createdAt: now, ...fresh })
          .returning();
        if (!row) throw new Error('insert returned no row');
        const event: DomainEvent = {
          tenantId: tenant.id,
          hostname,
          machine: 'domain',
          from: null,
          to: 'pending_verification',
          reason: fresh.statusReason,
          at: now.toISOString(),
        };
        await tx.insert(domainEvents).values({
          tenantId: tenant.id,
          id: uuidv7(),
          hostname,
          machine: 'domain',
          fromState: null,
          toState: 'pending_verification',
          reason: fresh.statusReason,
          createdAt: now,
        });
        result = { row, events: [event] };
      }
      await ctx.audit?.(tx, { action: 'domain.added', targetId: hostname });
      return { domain: domainView(result.row, token, ctx.routing), events: result.events };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new ConflictError('hostname-taken', `${hostname} is already claimed`);
    }
    throw e;
  }
}

/**
 * Stops serving the hostname at once (the caller announces the change) and ends its
 * certificate lifecycle, so nothing renews it. Removing a removed domain is a no-op.
 */
export async function removeDomain({
  ctx,
  input,
}: {
  ctx: DomainServiceContext;
  input: { hostname: string };
}): Promise<{ events: DomainEvent[] }> {
  const { tenant } = ctx;
  const now = ctx.now?.() ?? new Date();
  return withTenant(ctx.db, tenant.id, async (tx) => {
    const row = await lockDomain(tx, tenant.id, input.hostname.toLowerCase());
    if (!row) throw new NotFoundError('domain');
    if (row.status === 'removed') return { events: [] };
    const { events } = await applyTransition(
      tx,
      row,
      {
        status: 'removed',
        statusReason: 'removed by the tenant',
        nextAttemptAt: null,
        certStatus: 'none',
        certReason: 'domain removed',
        certNextAttemptAt: null,
        certOrderUrl: null,
        certPendingKeyEncrypted: null,
      },
      now,
    );
    await ctx.audit?.(tx, { action: 'domain.removed', targetId: row.hostname });
    return { events };
  });
}

export async function listDomains({ ctx }: { ctx: DomainServiceContext }): Promise<DomainView[]> {
  const { tenant } = ctx;
  const token = await ensureChallengeToken(ctx.db, tenant.id);
  const rows = await withTenant(ctx.db, tenant.id, (tx) =>
    tx
      .select()
      .from(tenantDomains)
      .where(and(eq(tenantDomains.tenantId, tenant.id), eq(tenantDomains.kind, 'custom')))
      .orderBy(asc(tenantDomains.hostname)),
  );
  return rows.map((row) => domainView(row, token, ctx.routing));
}

export async function getDomain({
  ctx,
  input,
}: {
  ctx: DomainServiceContext;
  input: { hostname: string };
}): Promise<DomainView & { events: Omit<DomainEvent, 'tenantId' | 'hostname'>[] }> {
  const { tenant } = ctx;
  const hostname = input.hostname.toLowerCase();
  const token = await ensureChallengeToken(ctx.db, tenant.id);
  const { row, history } = await withTenant(ctx.db, tenant.id, async (tx) => {
    const [row] = await tx
      .select()
      .from(tenantDomains)
      .where(
        and(
          eq(tenantDomains.tenantId, tenant.id),
          eq(tenantDomains.hostname, hostname),
          eq(tenantDomains.kind, 'custom'),
        ),
      );
    const history = row
      ? await tx
          .select()
          .from(domainEvents)
          .where(and(eq(domainEvents.tenantId, tenant.id), eq(domainEvents.hostname, hostname)))
          .orderBy(asc(domainEvents.createdAt), asc(domainEvents.id))
      : [];
    return { row, history };
  });
  if (!row) throw new NotFoundError('domain');
  return {
    ...domainView(row, token, ctx.routing),
    events: history.map((e) => ({
      machine: e.machine,
      from: e.fromState,
      to: e.toState,
      reason: e.reason,
      at: e.createdAt.toISOString(),
    })),
  };
}

/**
 * "Check again": a `failed` domain gets a fresh verification window, and any pending domain is
 * due at once. The caller then runs `verifyDomain` (the api does, so the answer is immediate).
 */
export async function restartVerification({
  ctx,
  input,
}: {
  ctx: DomainServiceContext;
  input: { hostname: string };
}): Promise<{ events: DomainEvent[] }> {
  const { tenant, policy } = ctx;
  const now = ctx.now?.() ?? new Date();
  return withTenant(ctx.db, tenant.id, async (tx) => {
    const row = await lockDomain(tx, tenant.id, input.hostname.toLowerCase());
    if (!row || row.status === 'removed') throw new NotFoundError('domain');
    if (row.status !== 'failed' && row.status !== 'pending_verification') {
      throw new ConflictError('domain-not-pending', `${row.hostname} is already ${row.status}`);
    }
    const { events } = await applyTransition(
      tx,
      row,
      {
        status: 'pending_verification',
        statusReason: 'checking again',
        nextAttemptAt: now,
        ...(row.status === 'failed'
          ? { attempts: 0, verifyDeadline: new Date(now.getTime() + policy.verifyWindowMs) }
          : {}),
      },
      now,
    );
    await ctx.audit?.(tx, { action: 'domain.verification_requested', targetId: row.hostname });
    return { events };
  });
}
