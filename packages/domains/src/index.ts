export { platformAcmeClient } from './acme/account.ts';
export {
  publishHttp01Answer,
  readHttp01Answer,
  withdrawHttp01Answer,
} from './acme/http01-store.ts';
export type { IssueStep } from './acme/order.ts';
export {
  type AcmeSettings,
  type DomainDnsLookup,
  type DomainPolicy,
  type DomainsDeps,
  defaultDomainPolicy,
  type RoutingTarget,
  type SecretCipher,
} from './deps.ts';
export { createDomainsDeps } from './from-config.ts';
export {
  type DomainJob,
  type DomainJobName,
  findDueDomainJobs,
  findDueDomains,
  runDomainJob,
} from './jobs/due.ts';
export { type IssueOutcome, issueCertificate } from './jobs/issue.ts';
export { renewCertificate } from './jobs/renew.ts';
export { type ReverifyOutcome, reverifyDomain } from './jobs/reverify.ts';
export { type VerifyDeps, type VerifyOutcome, verifyDomain } from './jobs/verify.ts';
export { announce, certificateChannel } from './lifecycle/serving.ts';
export {
  backoffMs,
  type CertificateStatus,
  type DomainStatus,
  renewalTime,
} from './lifecycle/states.ts';
export { type DomainEvent, domainEventsChannel } from './lifecycle/transition.ts';
export {
  CHALLENGE_LABEL,
  challengeRecordName,
  challengeRecordValue,
  checkDomainOwnership,
  type OwnershipCheck,
  type TxtResolver,
} from './ownership/challenge.ts';
export { createDnsResolver } from './ownership/resolver.ts';
export { ensureChallengeToken } from './ownership/token.ts';
export { type AzureDnsOptions, AzureDnsProvider } from './providers/azure.ts';
export { CloudflareDnsProvider, type CloudflareOptions } from './providers/cloudflare.ts';
export { type PowerDnsOptions, PowerDnsProvider } from './providers/powerdns.ts';
export { type DnsProvider, DnsProviderError } from './providers/types.ts';
export type { AuditHook, DomainServiceContext } from './service/context.ts';
export {
  addDomain,
  DomainLimitError,
  getDomain,
  listDomains,
  removeDomain,
  restartVerification,
} from './service/domains.ts';
export type { DomainView } from './service/view.ts';
export { CertificateStore, type CertificateStoreOptions } from './tls/certificate-store.ts';
export { type SniCallback, sniCallback } from './tls/sni.ts';
