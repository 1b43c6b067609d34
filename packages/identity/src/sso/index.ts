export type { SsoConnectionInput } from './connection-input.ts';
export { type SsoConnectionTestResult, testSsoConnection } from './connection-test.ts';
export {
  connectionView,
  createSsoConnection,
  deleteSsoConnection,
  getSsoConnection,
  listSsoConnections,
  type SsoConnectionView,
  setSsoConnectionEnabled,
  updateSsoConnection,
} from './connections.ts';
export type { SsoContext, SsoDeps } from './context.ts';
export {
  addSsoEmailDomain,
  type DomainOwnershipProver,
  type EmailDomainView,
  listSsoEmailDomains,
  verifySsoEmailDomain,
} from './email-domains.ts';
export {
  EmailDomainClaimedError,
  EmailDomainNotFoundError,
  EmailDomainNotVerifiedError,
  InvalidSsoConnectionError,
  SsoConnectionNotFoundError,
  SsoDiscoveryError,
  type SsoFailureReason,
  SsoNotConfiguredError,
  SsoRequiredError,
  SsoSignInError,
  UnsafeReturnToError,
} from './errors.ts';
export {
  completeSsoSignIn,
  type SsoSignInResult,
  ssoRedirectUri,
  startSsoSignIn,
} from './flow.ts';
export { FLOW_TTL_SECONDS } from './flow-state.ts';
export {
  getSsoPolicy,
  type PasswordLoginPolicy,
  passwordLoginPolicy,
  setSsoPolicy,
} from './policy.ts';
export { safeReturnTo } from './return-to.ts';
