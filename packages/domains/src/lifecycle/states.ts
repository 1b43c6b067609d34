import type { schema } from '@tenantkit/db';

export type DomainStatus = (typeof schema.domainStatuses)[number];
export type CertificateStatus = (typeof schema.certificateStatuses)[number];
export type DomainRow = typeof schema.tenantDomains.$inferSelect;

/**
 * The allowed moves of each machine. Anything else is a bug in a processor, refused loudly
 * rather than written: the history in `domain_events` must always be a valid path.
 */
const DOMAIN_MOVES: Record<DomainStatus, readonly DomainStatus[]> = {
  pending_verification: ['verified', 'failed', 'removed'],
  verified: ['active', 'moved', 'failed', 'removed'],
  active: ['moved', 'removed'],
  failed: ['pending_verification', 'removed'],
  moved: ['pending_verification', 'removed'],
  removed: ['pending_verification'],
};

const CERTIFICATE_MOVES: Record<CertificateStatus, readonly CertificateStatus[]> = {
  none: ['pending_issuance'],
  pending_issuance: ['issued', 'failed', 'none'],
  issued: ['renewing', 'expired', 'none'],
  renewing: ['issued', 'expired', 'failed', 'none'],
  failed: ['pending_issuance', 'none'],
  expired: ['pending_issuance', 'renewing', 'none'],
};

export function assertDomainMove(from: DomainStatus, to: DomainStatus): void {
  if (from !== to && !DOMAIN_MOVES[from].includes(to)) {
    throw new Error(`domain cannot move from ${from} to ${to}`);
  }
}

export function assertCertificateMove(from: CertificateStatus, to: CertificateStatus): void {
  if (from !== to && !CERTIFICATE_MOVES[from].includes(to)) {
    throw new Error(`certificate cannot move from ${from} to ${to}`);
  }
}

/** Exponential backoff: base, 2*base, 4*base, ... capped at max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

/** Renewal starts when two thirds of the certificate's lifetime have passed. */
export function renewalTime(notBefore: Date, notAfter: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + Math.floor((lifetime * 2) / 3));
}
