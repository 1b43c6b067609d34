import { X509Certificate } from 'node:crypto';
import { schema, uuidv7, withTenant } from '@tenantkit/db';
import * as acme from 'acme-client';
import { platformAcmeClient } from '../acme/account.ts';
import { acquireOrderLock, takeIssuanceSlot } from '../acme/locks.ts';
import { finishOrder, type IssueStep, resumeOrder } from '../acme/order.ts';
import { type DomainsDeps, nowOf } from '../deps.ts';
import { announce } from '../lifecycle/serving.ts';
import { backoffMs, type DomainRow, renewalTime } from '../lifecycle/states.ts';
import { applyTransition, type DomainEvent, lockDomain } from '../lifecycle/transition.ts';
import { readDomain } from './load.ts';

export type IssueOutcome =
  | { outcome: 'issued'; certificateId: string; notAfter: Date }
  | { outcome: 'retrying'; reason: string; nextAttemptAt: Date }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'rate-limited'; nextAttemptAt: Date }
  | { outcome: 'locked' }
  | { outcome: 'skipped'; reason: string };

const ISSUABLE = new Set(['pending_issuance', 'renewing', 'expired']);
const orderKeyAad = (tenantId: string, hostname: string) =>
  `tenant:${tenantId}:domain-order-key:${hostname}`;
export const certificateKeyAad = (tenantId: string, hostname: string, certificateId: string) =>
  `tenant:${tenantId}:domain-cert:${hostname}:${certificateId}`;

/**
 * Job processor: gets the domain its first (or next) certificate over ACME. Only domains that
 * proved ownership (`verified`/`active`) are ever sent to the CA. One order per hostname at a
 * time (Redis lock); the order URL and the CSR's key are stored before the CA is asked to
 * validate, so a retry after a crash continues that order instead of placing another. New
 * orders are rate-limited per tenant and platform-wide. Success stores the certificate with
 * its key encrypted, makes a `verified` domain `active`, and schedules renewal at two thirds
 * of the lifetime; failure records the reason and retries with backoff.
 */
export async function issueCertificate(
  deps: DomainsDeps,
  { tenantId, hostname }: { tenantId: string; hostname: string },
  { onStep }: { onStep?: (step: IssueStep) => Promise<void> | void } = {},
): Promise<IssueOutcome> {
  const settings = deps.acme;
  if (!settings) throw new Error('issueCertificate: no ACME settings configured');
  const loaded = await readDomain(deps, tenantId, hostname);
  const row = loaded?.row;
  if (!row || (row.status !== 'verified' && row.status !== 'active')) {
    return { outcome: 'skipped', reason: `domain is ${row?.status ?? 'missing'}` };
  }
  if (!ISSUABLE.has(row.certStatus)) {
    return { outcome: 'skipped', reason: `certificate is ${row.certStatus}` };
  }
  const now = nowOf(deps);
  if (row.certNextAttemptAt && row.certNextAttemptAt > now) {
    return { outcome: 'skipped', reason: 'not due yet' };
  }
  const release = await acquireOrderLock(deps.redis, deps.keyPrefix, hostname, 10 * 60_000);
  if (!release) return { outcome: 'locked' };
  try {
    return await issueLocked(deps, settings, row, now, onStep);
  } finally {
    await release();
  }
}

async function issueLocked(
  deps: DomainsDeps,
  settings: NonNullable<DomainsDeps['acme']>,
  row: DomainRow,
  now: Date,
  onStep: ((step: IssueStep) => Promise<void> | void) | undefined,
): Promise<IssueOutcome> {
  const { tenantId, hostname } = row;
  try {
    const client = await platformAcmeClient(deps, settings);
    const run = {
      client,
      settings,
      redis: deps.redis,
      keyPrefix: deps.keyPrefix,
      hostname,
      onStep,
    };
    let order = row.certOrderUrl ? await resumeOrder(client, row.certOrderUrl) : null;
    let keyPem: string;
    if (order && row.certPendingKeyEncrypted) {
      keyPem = deps.secrets.decrypt(row.certPendingKeyEncrypted, orderKeyAad(tenantId, hostname));
      await onStep?.('order-resumed');
    } else {
      const retryAt = await takeIssuanceSlot(
        deps.redis,
        deps.keyPrefix,
        tenantId,
        {
          tenant: deps.policy.tenantIssuesPerWindow,
          global: deps.policy.globalIssuesPerWindow,
          windowMs: deps.policy.rateWindowMs,
        },
        now,
      );
      if (retryAt) {
        await recordAttempt(deps, row, now, { reason: 'rate-limited', nextAttemptAt: retryAt });
        return { outcome: 'rate-limited', nextAttemptAt: retryAt };
      }
      keyPem = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
      order = await client.createOrder({ identifiers: [{ type: 'dns', value: hostname }] });
      await rememberOrder(deps, row, order.url, keyPem);
      await onStep?.('order-created');
    }
    const [, csr] = await acme.crypto.createCsr(
      { commonName: hostname, altNames: [hostname] },
      keyPem,
    );
    const chainPem = await finishOrder(run, order, csr);
    return await storeCertificate(deps, row, chainPem, keyPem);
  } catch (error) {
    if (error instanceof StaleDomainError) return { outcome: 'skipped', reason: error.message };
    const message = error instanceof Error ? error.message : String(error);
    return recordFailure(deps, row, now, message.slice(0, 500));
  }
}

class StaleDomainError extends Error {}

async function rememberOrder(deps: DomainsDeps, row: DomainRow, url: string, keyPem: string) {
  const encrypted = deps.secrets.encrypt(keyPem, orderKeyAad(row.tenantId, row.hostname));
  await withTenant(deps.db, row.tenantId, async (tx) => {
    const current = await lockDomain(tx, row.tenantId, row.hostname);
    if (!current || !ISSUABLE.has(current.certStatus)) throw new StaleDomainError('domain changed');
    await applyTransition(
      tx,
      current,
      { certOrderUrl: url, certPendingKeyEncrypted: encrypted, certReason: 'order placed' },
      nowOf(deps),
    );
  });
}

async function storeCertificate(
  deps: DomainsDeps,
  row: DomainRow,
  chainPem: string,
  keyPem: string,
): Promise<IssueOutcome> {
  const leaf = new X509Certificate(acme.crypto.splitPemChain(chainPem)[0] ?? chainPem);
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  const certificateId = uuidv7();
  const now = nowOf(deps);
  let events: DomainEvent[] = [];
  const stored = await withTenant(deps.db, row.tenantId, async (tx) => {
    const current = await lockDomain(tx, row.tenantId, row.hostname);
    // Removed or moved while the CA worked: the certificate is never served, so not kept.
    if (!current || (current.status !== 'verified' && current.status !== 'active')) return false;
    await tx.insert(schema.domainCertificates).values({
      tenantId: row.tenantId,
      id: certificateId,
      hostname: row.hostname,
      serial: leaf.serialNumber,
      notBefore,
      notAfter,
      certificatePem: chainPem,
      privateKeyEncrypted: deps.secrets.encrypt(
        keyPem,
        certificateKeyAad(row.tenantId, row.hostname, certificateId),
      ),
    });
    ({ events } = await applyTransition(
      tx,
      current,
      {
        ...(current.status === 'verified'
          ? { status: 'active' as const, statusReason: 'serving with its certificate' }
          : {}),
        certStatus: 'issued',
        certReason: `valid until ${notAfter.toISOString()}`,
        certNextAttemptAt: renewalTime(notBefore, notAfter),
        certAttempts: 0,
        certOrderUrl: null,
        certPendingKeyEncrypted: null,
      },
      now,
    ));
    return true;
  });
  if (!stored) return { outcome: 'skipped', reason: 'domain no longer verified' };
  await announce(deps, row.tenantId, row.hostname, events, { certificateChanged: true });
  return { outcome: 'issued', certificateId, notAfter };
}

async function recordAttempt(
  deps: DomainsDeps,
  row: DomainRow,
  now: Date,
  { reason, nextAttemptAt }: { reason: string; nextAttemptAt: Date },
): Promise<void> {
  await withTenant(deps.db, row.tenantId, async (tx) => {
    const current = await lockDomain(tx, row.tenantId, row.hostname);
    if (current) {
      await applyTransition(
        tx,
        current,
        { certReason: reason, certNextAttemptAt: nextAttemptAt },
        now,
      );
    }
  });
}

async function recordFailure(
  deps: DomainsDeps,
  row: DomainRow,
  now: Date,
  message: string,
): Promise<IssueOutcome> {
  const attempts = row.certAttempts + 1;
  const giveUp = row.certStatus === 'pending_issuance' && attempts >= deps.policy.maxIssueAttempts;
  const nextAttemptAt = new Date(
    now.getTime() + backoffMs(attempts, deps.policy.baseBackoffMs, deps.policy.maxBackoffMs),
  );
  let events: DomainEvent[] = [];
  await withTenant(deps.db, row.tenantId, async (tx) => {
    const current = await lockDomain(tx, row.tenantId, row.hostname);
    if (!current || !ISSUABLE.has(current.certStatus)) return;
    ({ events } = await applyTransition(
      tx,
      current,
      {
        certAttempts: attempts,
        certReason: `acme: ${message}`,
        ...(giveUp
          ? { certStatus: 'failed' as const, certNextAttemptAt: null, certOrderUrl: null }
          : { certNextAttemptAt: nextAttemptAt }),
      },
      now,
    ));
  });
  await announce(deps, row.tenantId, row.hostname, events);
  return giveUp
    ? { outcome: 'failed', reason: message }
    : { outcome: 'retrying', reason: message, nextAttemptAt };
}
