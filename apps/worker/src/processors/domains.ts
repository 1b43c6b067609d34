import { type DomainJobName, findDueDomainJobs, runDomainJob } from '@tenantkit/domains';
import { UnrecoverableError } from 'bullmq';
import type { ProcessorRegistry, TenantJobData } from '../jobs.ts';

/** How often the platform looks for domains owing a DNS check or a certificate step. */
export const DOMAIN_SCAN_EVERY_MS = 60_000;
export const DOMAIN_SCAN_JOB = 'scan-due-domains';

const DOMAIN_JOBS: readonly DomainJobName[] = ['verify', 'issue', 'renew', 'reverify'];

export interface DomainJobData extends TenantJobData {
  hostname: string;
}

/**
 * Custom-domain processors (packages/domains). A platform schedule finds the due work across
 * tenants and hands each hostname's step to its own tenant job; each step runs in its
 * tenant's context, locks its row and is idempotent, so a retried or duplicated job is safe.
 */
export function registerDomains(registry: ProcessorRegistry): void {
  registry.platform('domains', DOMAIN_SCAN_JOB, async ({ deps }) => {
    const domains = deps.domains;
    if (!domains) throw new UnrecoverableError('domain processors have no domains deps');
    const due = await findDueDomainJobs(domains.db);
    // One pending job per step and hostname per slot: a step still waiting or running from
    // this slot is not queued again (BullMQ ids may not contain ':').
    const slot = Math.floor(Date.now() / DOMAIN_SCAN_EVERY_MS);
    for (const { name, tenantId, hostname } of due) {
      await deps.enqueue(
        'domains',
        name,
        { tenantId, hostname },
        { jobId: `${name}-${hostname}-${slot}` },
      );
    }
    return { jobs: due.length };
  });

  for (const name of DOMAIN_JOBS) {
    registry.tenant<DomainJobData>('domains', name, ({ tenantId, data, deps }) => {
      if (!deps.domains) throw new UnrecoverableError('domain processors have no domains deps');
      if (typeof data.hostname !== 'string' || data.hostname === '') {
        throw new UnrecoverableError(`domains/${name}: job data has no hostname`);
      }
      return runDomainJob(deps.domains, { name, tenantId, hostname: data.hostname });
    });
  }
}
