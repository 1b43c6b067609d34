import { schema, withTenant } from '@tenantkit/db';
import { and, desc, eq } from 'drizzle-orm';
import type { IssueStep } from '../acme/order.ts';
import { type DomainsDeps, nowOf } from '../deps.ts';
import { announce } from '../lifecycle/serving.ts';
import { applyTransition, type DomainEvent, lockDomain } from '../lifecycle/transition.ts';
import { type IssueOutcome, issueCertificate } from './issue.ts';

/**
 * Job processor: renews an active domain's certificate once two thirds of its lifetime have
 * passed (`issued -> renewing`, then ACME as for the first one, retried with backoff). Removed
 * and moved domains are never renewed. A certificate that ran out while renewal kept failing
 * is marked `expired` (and stops being served by the SNI store, which skips expired ones).
 */
export async function renewCertificate(
  deps: DomainsDeps,
  { tenantId, hostname }: { tenantId: string; hostname: string },
  options: { onStep?: (step: IssueStep) => Promise<void> | void } = {},
): Promise<IssueOutcome> {
  const now = nowOf(deps);
  let events: DomainEvent[] = [];
  const decision = await withTenant(deps.db, tenantId, async (tx) => {
    const row = await lockDomain(tx, tenantId, hostname);
    if (row?.status !== 'active') return `domain is ${row?.status ?? 'missing'}`;
    if (row.certStatus === 'issued') {
      if (!row.certNextAttemptAt || row.certNextAttemptAt > now) return 'not due yet';
      ({ events } = await applyTransition(
        tx,
        row,
        { certStatus: 'renewing', certReason: 'renewal due', certAttempts: 0 },
        now,
      ));
      return null;
    }
    if (row.certStatus !== 'renewing') return `certificate is ${row.certStatus}`;
    const [latest] = await tx
      .select({ notAfter: schema.domainCertificates.notAfter })
      .from(schema.domainCertificates)
      .where(
        and(
          eq(schema.domainCertificates.tenantId, tenantId),
          eq(schema.domainCertificates.hostname, hostname),
        ),
      )
      .orderBy(desc(schema.domainCertificates.notAfter))
      .limit(1);
    if (!latest || latest.notAfter <= now) {
      ({ events } = await applyTransition(
        tx,
        row,
        { certStatus: 'expired', certReason: 'the certificate expired before renewal succeeded' },
        now,
      ));
    }
    return null;
  });
  await announce(deps, tenantId, hostname, events, { certificateChanged: events.length > 0 });
  if (decision) return { outcome: 'skipped', reason: decision };
  return issueCertificate(deps, { tenantId, hostname }, options);
}
