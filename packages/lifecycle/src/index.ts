export {
  cancelTenantDeletion,
  type DeletionRequest,
  requestTenantDeletion,
} from './deletion/deletion.ts';
export { type PurgeReport, purgeTenant } from './deletion/purge.ts';
export {
  type LifecycleActor,
  type LifecycleDeps,
  type MailSender,
  type PlatformDnsRecords,
  wildcardDns,
} from './deps.ts';
export {
  type DeclaredTenant,
  declaredTenantSchema,
  readDeclaredTenants,
} from './manifests/read.ts';
export { applyTenants, planTenants, type TenantDiff } from './manifests/reconcile.ts';
export {
  OWNER_INVITATION_TTL_MS,
  type OwnerInvitation,
  upsertOwnerInvitation,
} from './onboarding/invite-owner.ts';
export {
  ONBOARDING_STEPS,
  type OnboardingProgress,
  type OnboardingResult,
  type OnboardingStep,
  type OnboardTenantInput,
  onboardTenant,
} from './onboarding/onboard.ts';
export { asOwner, isLockTimeout, retryOnLockTimeout } from './owner-tx.ts';
export { changeTenantPlan, renameTenant, resumeTenant, suspendTenant } from './status.ts';
export { announceTenantChange, findTenant, platformHostname } from './tenants.ts';
export {
  moveTenantTier,
  type TierMoveOptions,
  type TierMovePhase,
  type TierMoveProgress,
  type TierMoveReport,
} from './tier-move/move.ts';
