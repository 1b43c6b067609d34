import { DomainError } from '@tenantkit/db';

export class SsoConnectionNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'not-found', 'SSO connection not found');
  }
}

/** The connection's configuration is refused (bad issuer, unknown role, ...). */
export class InvalidSsoConnectionError extends DomainError {
  constructor(field: string, message: string) {
    super('unprocessable', 'invalid-sso-connection', message, { field });
  }
}

/** Discovery of the issuer failed or its document did not name that issuer. */
export class SsoDiscoveryError extends DomainError {
  constructor(detail: string) {
    super('unprocessable', 'sso-discovery-failed', `OpenID Provider discovery failed: ${detail}`);
  }
}

/** A connection may only claim email domains the tenant has proven it owns. */
export class EmailDomainNotVerifiedError extends DomainError {
  constructor(domain: string) {
    super(
      'unprocessable',
      'email-domain-not-verified',
      `The email domain ${domain} is not verified for this workspace; add and verify it first.`,
      { domain },
    );
  }
}

export class EmailDomainClaimedError extends DomainError {
  constructor(domain: string) {
    super(
      'conflict',
      'email-domain-claimed',
      `The email domain ${domain} already belongs to another SSO connection.`,
      { domain },
    );
  }
}

export class EmailDomainNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'not-found', 'email domain not found');
  }
}

/** Home-realm discovery found no enabled connection for the email's domain. */
export class SsoNotConfiguredError extends DomainError {
  constructor() {
    super('not_found', 'sso-not-configured', 'Single sign-on is not set up for this email.');
  }
}

export class UnsafeReturnToError extends DomainError {
  constructor() {
    super(
      'invalid',
      'unsafe-return-to',
      'returnTo must be a path on this workspace, e.g. /account.',
    );
  }
}

/** Password sign-in refused: the member's email domain signs in through SSO. */
export class SsoRequiredError extends DomainError {
  constructor(connectionId: string) {
    super(
      'forbidden',
      'sso-required',
      'This workspace requires single sign-on for your email domain. Use "Continue with SSO".',
      { connectionId, ssoUrl: `/auth/sso/start?connection=${connectionId}` },
    );
  }
}

export type SsoFailureReason =
  | 'unknown_state'
  | 'browser_mismatch'
  | 'connection_mismatch'
  | 'connection_disabled'
  | 'idp_error'
  | 'issuer_mismatch'
  | 'token_exchange_failed'
  | 'nonce_mismatch'
  | 'invalid_id_token'
  | 'unexpected_alg'
  | 'missing_email'
  | 'email_not_verified'
  | 'email_domain_not_allowed'
  | 'no_account'
  | 'identity_conflict'
  | 'member_deactivated'
  | 'idp_unavailable';

const MESSAGES: Record<SsoFailureReason, string> = {
  unknown_state: 'This sign-in link is unknown, expired or was already used. Start again.',
  browser_mismatch: 'This sign-in was started in another browser. Start again here.',
  connection_mismatch: 'The response does not belong to this SSO connection.',
  connection_disabled: 'This SSO connection is disabled.',
  idp_error: 'The identity provider refused the sign-in.',
  issuer_mismatch: 'The response came from another identity provider than this connection’s.',
  token_exchange_failed: 'The identity provider did not accept the authorization code.',
  nonce_mismatch: 'The ID token does not belong to this sign-in (nonce mismatch).',
  invalid_id_token: 'The ID token from the identity provider is not valid.',
  unexpected_alg: 'The ID token is signed with an algorithm this connection does not accept.',
  missing_email: 'The identity provider did not send an email address.',
  email_not_verified: 'The identity provider says this email address is not verified.',
  email_domain_not_allowed: 'This email domain is not one of the connection’s verified domains.',
  no_account: 'There is no member with this email, and this connection does not create members.',
  identity_conflict: 'This member is already linked to another account of this identity provider.',
  member_deactivated: 'This member is deactivated.',
  idp_unavailable: 'The identity provider could not be reached. Try again in a moment.',
};

/** Every refused SSO callback: the reason is in the problem and in the audit log. */
export class SsoSignInError extends DomainError {
  constructor(
    readonly reason: SsoFailureReason,
    status: 'unauthorized' | 'forbidden' | 'unavailable' = 'unauthorized',
    /** Details for the audit log only (never in the problem). */
    readonly auditData: Record<string, unknown> = {},
  ) {
    super(status, 'sso-sign-in-failed', MESSAGES[reason], { reason });
  }
}
