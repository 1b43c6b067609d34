export { acmeAccounts, domainCertificates, domainEvents } from './domains.ts';
export {
  type AuditEventsTable,
  actorTypes,
  apiKeys,
  auditChainHeads,
  auditEventsDedicated,
  auditEventsPooled,
  auditEventsRelationFor,
  bindingSources,
  invitations,
  principalTypes,
  recoveryCodes,
  roleBindings,
  roles,
  serviceClients,
  sessions,
  signingKeys,
  tenantSecurity,
  userStatuses,
  users,
} from './identity.ts';
export {
  operatorSessions,
  operatorStatuses,
  operators,
  tenantDeletions,
  tenantPurges,
} from './ops.ts';
export { dedicatedLeafName, type TenantPartitioned, tenantPartitioned } from './partitioned.ts';
export {
  projects,
  type TasksTable,
  tasksDedicated,
  tasksPooled,
  tasksRelationFor,
} from './projects.ts';
export { ssoConnections, ssoEmailDomains, ssoIdentities, ssoIdTokenAlgs } from './sso.ts';
export {
  certificateStatuses,
  domainChallenges,
  domainKinds,
  domainStatuses,
  type TenantStatus,
  type TenantTier,
  tenantDomains,
  tenantStatuses,
  tenants,
  tenantTiers,
} from './tenants.ts';
