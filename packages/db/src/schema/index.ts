export {
  dedicatedLeafName,
  projects,
  type TasksTable,
  tasksDedicated,
  tasksPooled,
  tasksRelationFor,
} from './projects.ts';
export {
  domainKinds,
  domainStatuses,
  type TenantStatus,
  type TenantTier,
  tenantDomains,
  tenantStatuses,
  tenants,
  tenantTiers,
} from './tenants.ts';
