export {
  API_KEY_LAST_USED_GRANULARITY_SECONDS,
  type ApiKeySummary,
  type AuthenticatedApiKey,
  authenticateApiKey,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-keys.ts';
export {
  authenticateAccessToken,
  CLIENT_TOKEN_LIFETIME_SECONDS,
  type ClientPrincipal,
  type IssuedToken,
  issueClientCredentialsToken,
  verifyClientAccessToken,
} from './client-credentials.ts';
export {
  ACCESS_TOKEN_AUDIENCE,
  type Accountable,
  type MachinesContext,
  type TokenIssuerContext,
} from './context.ts';
export {
  CredentialNotFoundError,
  InvalidExpiryError,
  OAuthError,
  type OAuthErrorCode,
} from './errors.ts';
export {
  type ClientAuthFailure,
  createServiceClient,
  isServiceClientRevoked,
  listServiceClients,
  revokeServiceClient,
  type ServiceClientSummary,
  serviceClientRevokedKey,
  verifyServiceClientSecret,
} from './service-clients.ts';
export {
  loadPublishedKeys,
  signingKeyAad,
  signingKeyFor,
  verificationKeysFor,
} from './signing-key-store.ts';
