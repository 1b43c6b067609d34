import { createTenant, type TenantRecord, withTenant } from '@tenantkit/db';
import { appendAuditEvent, provisionTenantIdentity } from '@tenantkit/identity';
import type { LifecycleActor, LifecycleDeps } from '../deps.ts';
import { announceTenantChange, platformHostname } from '../tenants.ts';
import { ownerInvitationMail, upsertOwnerInvitation } from './invite-owner.ts';

export const ONBOARDING_STEPS = ['tenant', 'identity', 'owner-invitation', 'dns', 'ready'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export interface OnboardTenantInput {
  /** Chosen by the caller (the job carries it), so every retry targets the same tenant. */
  tenantId: string;
  slug: string;
  name: string;
  tier: TenantTier;
  plan?: string;
  ownerEmail?: string;
}

export interface OnboardingProgress {
  step: OnboardingStep;
  /** Steps finished so far, in order. */
  done: OnboardingStep[];
  total: number;
}

export interface OnboardingResult {
  tenant: TenantRecord;
  created: boolean;
  invitationId?: string;
}

/**
 * Onboards a tenant: its row and (dedicated tier) its own partitions, its built-in roles, the
 * owner's invitation, the platform DNS record, then announces it. Every step is idempotent, so
 * a run killed anywhere and started again finishes the job with one tenant, one set of roles
 * and one invitation. `skip` lists steps a previous attempt finished (the job remembers them).
 */
export async function onboardTenant({
  deps,
  input,
  actor,
  skip = [],
  onProgress = async () => {},
  onStepDone = async () => {},
}: {
  deps: LifecycleDeps;
  input: OnboardTenantInput;
  actor: LifecycleActor;
  skip?: readonly OnboardingStep[];
  onProgress?: (progress: OnboardingProgress) => Promise<void>;
  onStepDone?: (step: OnboardingStep) => Promise<void>;
}): Promise<OnboardingResult> {
  const done: OnboardingStep[] = [...skip];
  const step = async <T>(name: OnboardingStep, run: () => Promise<T>): Promise<T | undefined> => {
    // The tenant row is needed by every later step, so that step always runs (it is cheap and
    // returns the existing row).
    if (done.includes(name) && name !== 'tenant') return undefined;
    await onProgress({ step: name, done: [...done], total: ONBOARDING_STEPS.length });
    const result = await run();
    if (!done.includes(name)) done.push(name);
    await onStepDone(name);
    return result;
  };

  const created = await step('tenant', () =>
    createTenant({
      admin: deps.admin.sql,
      input: { ...input, id: input.tenantId, platformDomain: deps.platformDomain },
    }),
  );
  if (!created) throw new Error('tenant step returned nothing');
  const { tenant } = created;

  await step('identity', () =>
    withTenant(deps.app, tenant.id, async (tx) => {
      await provisionTenantIdentity(tx, tenant);
      // Written once, however many times the step runs.
      const seen = await tx.$client`
        select 1 from audit_chain_heads where tenant_id = ${tenant.id}`;
      if (seen.length === 0) {
        await appendAuditEvent(
          tx,
          tenant,
          { actorType: actor.type, actorId: actor.id },
          {
            action: 'tenant.onboarded',
            targetType: 'tenant',
            targetId: tenant.id,
            data: { ...input },
          },
        );
      }
    }),
  );

  let invitationId: string | undefined;
  if (input.ownerEmail) {
    const email = input.ownerEmail;
    await step('owner-invitation', async () => {
      const invitation = await withTenant(deps.app, tenant.id, (tx) =>
        upsertOwnerInvitation(tx, tenant, actor, email),
      );
      invitationId = invitation.id;
      const base =
        deps.tenantBaseUrl?.(tenant.slug) ?? `https://${platformHostname(deps, tenant.slug)}`;
      const link = `${base}/invitations/accept#token=${invitation.token}`;
      await deps.mail.send(ownerInvitationMail({ tenantName: tenant.name, email, link }));
    });
  }

  await step('dns', () =>
    deps.dns.ensurePlatformRecord({
      hostname: platformHostname(deps, tenant.slug),
      tenantId: tenant.id,
    }),
  );
  await step('ready', () => announceTenantChange(deps, tenant));
  await onProgress({ step: 'ready', done: [...done], total: ONBOARDING_STEPS.length });
  return { tenant, created: created.created, ...(invitationId ? { invitationId } : {}) };
}

type TenantTier = import('@tenantkit/db').TenantRecord['tier'];
