import { withTenant } from '@tenantkit/db';
import { type DomainsDeps, nowOf } from '../deps.ts';
import { announce } from '../lifecycle/serving.ts';
import { backoffMs } from '../lifecycle/states.ts';
import { applyTransition, type DomainEvent, lockDomain } from '../lifecycle/transition.ts';
import type { TxtResolver } from '../ownership/challenge.ts';
import { checkOwnership } from './dns-checks.ts';
import { readDomain } from './load.ts';

export type VerifyOutcome =
  | { outcome: 'verified' }
  | { outcome: 'pending'; reason: string; nextAttemptAt: Date }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'skipped'; status: string };

/**
 * Job processor: checks a `pending_verification` domain's TXT proof once. Success moves it to
 * `verified` and queues its certificate (`pending_issuance`); a miss records the reason and
 * the next attempt (exponential backoff) until the verification window closes, then `failed`.
 * The DNS lookup runs outside any transaction; the write re-reads the row under a lock and
 * applies only if nobody moved the domain meanwhile.
 */
/** What verification needs: only TXT lookups, so the api can run it with its ownership resolver. */
export type VerifyDeps = Pick<DomainsDeps, 'db' | 'redis' | 'keyPrefix' | 'policy' | 'now'> & {
  dns: TxtResolver;
};

export async function verifyDomain(
  deps: VerifyDeps,
  { tenantId, hostname }: { tenantId: string; hostname: string },
): Promise<VerifyOutcome> {
  const loaded = await readDomain(deps, tenantId, hostname);
  if (loaded?.row.status !== 'pending_verification' || !loaded.token) {
    return { outcome: 'skipped', status: loaded?.row.status ?? 'missing' };
  }
  const check = await checkOwnership(deps.dns, hostname, loaded.token);
  const now = nowOf(deps);
  let events: DomainEvent[] = [];
  const result = await withTenant(deps.db, tenantId, async (tx): Promise<VerifyOutcome> => {
    const row = await lockDomain(tx, tenantId, hostname);
    if (row?.status !== 'pending_verification') {
      return { outcome: 'skipped', status: row?.status ?? 'missing' };
    }
    if (check.ok) {
      ({ events } = await applyTransition(
        tx,
        row,
        {
          status: 'verified',
          statusReason: 'TXT record matches',
          verifiedAt: now,
          lastVerifiedAt: now,
          nextAttemptAt: new Date(now.getTime() + deps.policy.reverifyEveryMs),
          attempts: 0,
          certStatus: 'pending_issuance',
          certReason: 'waiting for the first certificate',
          certNextAttemptAt: now,
          certAttempts: 0,
        },
        now,
      ));
      return { outcome: 'verified' };
    }
    const attempts = row.attempts + 1;
    if (row.verifyDeadline && now >= row.verifyDeadline) {
      const reason = `verification window closed: ${check.reason}`;
      ({ events } = await applyTransition(
        tx,
        row,
        { status: 'failed', statusReason: reason, attempts, nextAttemptAt: null },
        now,
      ));
      return { outcome: 'failed', reason };
    }
    const nextAttemptAt = new Date(
      now.getTime() + backoffMs(attempts, deps.policy.baseBackoffMs, deps.policy.maxBackoffMs),
    );
    await applyTransition(tx, row, { statusReason: check.reason, attempts, nextAttemptAt }, now);
    return { outcome: 'pending', reason: check.reason, nextAttemptAt };
  });
  await announce(deps, tenantId, hostname, events);
  return result;
}
