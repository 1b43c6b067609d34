import { DomainError } from '@tenantkit/db';

/** An API key or service client id that this tenant does not have. */
export class CredentialNotFoundError extends DomainError {
  constructor(what: 'API key' | 'service client') {
    super('not_found', 'not-found', `${what} not found`);
  }
}

export class InvalidExpiryError extends DomainError {
  constructor(message: string) {
    super('unprocessable', 'invalid-expiry', message, { field: 'expiresAt' });
  }
}

/**
 * RFC 6749 §5.2 errors of the token endpoint. The transport answers them with the OAuth JSON
 * body (`{ error, error_description }`) rather than problem+json: OAuth client libraries parse
 * that shape and nothing else.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  /** 401 for client authentication failures (RFC 6749 §5.2), 400 for everything else. */
  get status(): 400 | 401 {
    return this.code === 'invalid_client' ? 401 : 400;
  }
}
