import { withTenant } from '@tenantkit/db';
import { type DomainsDeps, nowOf } from '../deps.ts';
import { announce } from '../lifecycle/serving.ts';
import { applyTransition, type DomainEvent, lockDomain } from '../lifecycle/transition.ts';
import { checkOwnership, checkRouting } from './dns-checks.ts';
import { readDomain } from './load.ts';

export type ReverifyOutcome =
  | { outcome: 'ok' }
  | { outcome: 'dangling'; reason: string; since: Date }
  | { outcome: 'moved'; reason: string }
  | { outcome: 'skipped'; status: string };

/**
 * Job processor: checks again that a verified or active domain still carries the tenant's TXT
 * record and still points at the platform. A domain that stopped doing either is `dangling`
 * (still served, so a brief DNS mistake costs nothing); after the grace period it is `moved`:
 * no longer served, never renewed. Serving a hostname that now belongs to someone else's
 * infrastructure is how subdomain takeovers happen.
 */
export async function reverifyDomain(
  deps: DomainsDeps,
  { tenantId, hostname }: { tenantId: string; hostname: string },
): Promise<ReverifyOutcome> {
  const loaded = await readDomain(deps, tenantId, hostname);
  const status = loaded?.row.status;
  if (!loaded?.token || (status !== 'verified' && status !== 'active')) {
    return { outcome: 'skipped', status: status ?? 'missing' };
  }
  const ownership = await checkOwnership(deps.dns, hostname, loaded.token);
  const routing = ownership.ok ? await checkRouting(deps.dns, hostname, deps.routing) : ownership;
  const now = nowOf(deps);
  const { policy } = deps;
  let events: DomainEvent[] = [];
  const outcome = await withTenant(deps.db, tenantId, async (tx): Promise<ReverifyOutcome> => {
    const row = await lockDomain(tx, tenantId, hostname);
    if (!row || (row.status !== 'verified' && row.status !== 'active')) {
      return { outcome: 'skipped', status: row?.status ?? 'missing' };
    }
    if (routing.ok) {
      await applyTransition(
        tx,
        row,
        {
          lastVerifiedAt: now,
          danglingSince: null,
          ...(row.danglingSince ? { statusReason: 'DNS points at the platform again' } : {}),
          nextAttemptAt: new Date(now.getTime() + policy.reverifyEveryMs),
        },
        now,
      );
      return { outcome: 'ok' };
    }
    const since = row.danglingSince ?? now;
    if (now.getTime() - since.getTime() >= policy.danglingGraceMs) {
      const reason = `moved: ${routing.reason}`;
      ({ events } = await applyTransition(
        tx,
        row,
        {
          status: 'moved',
          statusReason: reason,
          nextAttemptAt: null,
          certStatus: 'none',
          certReason: 'domain moved away',
          certNextAttemptAt: null,
          certOrderUrl: null,
          certPendingKeyEncrypted: null,
        },
        now,
      ));
      return { outcome: 'moved', reason };
    }
    await applyTransition(
      tx,
      row,
      {
        danglingSince: since,
        statusReason: `dangling since ${since.toISOString()}: ${routing.reason}`,
        nextAttemptAt: new Date(
          Math.min(since.getTime() + policy.danglingGraceMs, now.getTime() + policy.baseBackoffMs),
        ),
      },
      now,
    );
    return { outcome: 'dangling', reason: routing.reason, since };
  });
  await announce(deps, tenantId, hostname, events, { certificateChanged: events.length > 0 });
  return outcome;
}
