import type { Database } from '@tenantkit/db';
import type { IssueStep } from '../acme/order.ts';
import type { DomainsDeps } from '../deps.ts';
import { issueCertificate } from './issue.ts';
import { renewCertificate } from './renew.ts';
import { reverifyDomain } from './reverify.ts';
import { verifyDomain } from './verify.ts';

export type DomainJobName = 'verify' | 'issue' | 'renew' | 'reverify';

export interface DomainJob {
  name: DomainJobName;
  tenantId: string;
  hostname: string;
}

interface DueRow {
  tenant_id: string;
  hostname: string;
  status: string;
  // Strings or Dates, depending on the type parsers installed on the pool (drizzle's keep text).
  next_attempt_at: Date | string | null;
  cert_status: string;
  cert_next_attempt_at: Date | string | null;
}

const dueBy = (at: Date | string | null, now: Date) =>
  at !== null && new Date(at).getTime() <= now.getTime();

/**
 * The jobs due now across tenants, for a scheduler to enqueue (one row can owe two: its DNS
 * re-check and its certificate). Each job then runs inside its own tenant's context. Use the
 * job's name plus hostname as the queue's job id, so a job already waiting is not added twice.
 */
export async function findDueDomainJobs(
  db: Database,
  { now = new Date(), limit = 500 }: { now?: Date; limit?: number } = {},
): Promise<DomainJob[]> {
  const rows = await db.sql<DueRow[]>`
    select * from domains_due(${now.toISOString()}::timestamptz, ${limit})`;
  const jobs: DomainJob[] = [];
  for (const row of rows) {
    const base = { tenantId: row.tenant_id, hostname: row.hostname };
    const domainDue = dueBy(row.next_attempt_at, now);
    const certDue = dueBy(row.cert_next_attempt_at, now);
    if (domainDue && row.status === 'pending_verification') jobs.push({ name: 'verify', ...base });
    if (domainDue && (row.status === 'verified' || row.status === 'active')) {
      jobs.push({ name: 'reverify', ...base });
    }
    if (certDue && (row.status === 'verified' || row.status === 'active')) {
      const renewal = row.cert_status === 'issued' || row.cert_status === 'renewing';
      jobs.push({ name: renewal ? 'renew' : 'issue', ...base });
    }
  }
  return jobs;
}

/** The hostnames with any work due (one entry per hostname). */
export async function findDueDomains(
  db: Database,
  options: { now?: Date; limit?: number } = {},
): Promise<{ tenantId: string; hostname: string }[]> {
  const seen = new Map<string, { tenantId: string; hostname: string }>();
  for (const job of await findDueDomainJobs(db, options)) {
    seen.set(`${job.tenantId}/${job.hostname}`, { tenantId: job.tenantId, hostname: job.hostname });
  }
  return [...seen.values()];
}

/** Runs one job with its processor: what a queue worker's handler calls. */
export async function runDomainJob(
  deps: DomainsDeps,
  job: DomainJob,
  options: { onStep?: (step: IssueStep) => Promise<void> | void } = {},
): Promise<{ outcome: string }> {
  const target = { tenantId: job.tenantId, hostname: job.hostname };
  switch (job.name) {
    case 'verify':
      return verifyDomain(deps, target);
    case 'issue':
      return issueCertificate(deps, target, options);
    case 'renew':
      return renewCertificate(deps, target, options);
    case 'reverify':
      return reverifyDomain(deps, target);
  }
}
