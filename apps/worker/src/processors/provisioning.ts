import { DomainError, type TenantRecord } from '@tenantkit/db';
import {
  type LifecycleActor,
  moveTenantTier,
  type OnboardingStep,
  type OnboardTenantInput,
  onboardTenant,
  type TierMoveOptions,
} from '@tenantkit/lifecycle';
import { UnrecoverableError } from 'bullmq';
import type { ProcessorRegistry, TenantJobData } from '../jobs.ts';

export interface OnboardJobData extends TenantJobData, Omit<OnboardTenantInput, 'tenantId'> {
  actor: LifecycleActor;
  /** Steps an earlier attempt finished; the retry skips them. */
  done?: OnboardingStep[];
}

export interface MoveTierJobData extends TenantJobData {
  to: TenantRecord['tier'];
  options?: TierMoveOptions;
  actor: LifecycleActor;
}

/** Domain errors (bad input, conflicts) will not pass on retry: fail the job at once. */
export function failFastOnDomainError(error: unknown): never {
  if (error instanceof DomainError && error.problemKind !== 'unavailable') {
    throw new UnrecoverableError(`${error.problemSlug}: ${error.message}`);
  }
  throw error;
}

export function registerProvisioning(registry: ProcessorRegistry): void {
  registry.tenant<OnboardJobData>('provisioning', 'onboard-tenant', async ({ job, data, deps }) => {
    const done = [...(data.done ?? [])];
    const result = await onboardTenant({
      deps,
      actor: data.actor,
      input: { ...data, tenantId: data.tenantId },
      skip: done,
      onProgress: (progress) => job.updateProgress(progress),
      onStepDone: async (step) => {
        if (done.includes(step)) return;
        done.push(step);
        await job.updateData({ ...data, done });
      },
    }).catch(failFastOnDomainError);
    return {
      tenantId: result.tenant.id,
      slug: result.tenant.slug,
      invitationId: result.invitationId,
    };
  });

  registry.tenant<MoveTierJobData>('provisioning', 'move-tier', async ({ job, data, deps }) =>
    moveTenantTier({
      deps,
      ref: data.tenantId,
      to: data.to,
      actor: data.actor,
      options: data.options,
      onProgress: (progress) => job.updateProgress(progress),
    }).catch(failFastOnDomainError),
  );
}
