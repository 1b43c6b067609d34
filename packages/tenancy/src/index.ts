export { currentTenant, runWithTenant, tenantKey } from './context.ts';
export { type HostSource, normalizeHost, platformSlug, requestHost } from './host.ts';
export {
  publishTenantChange,
  type TenantChange,
  TenantResolver,
  type TenantResolverOptions,
  tenantChannel,
} from './resolver.ts';
