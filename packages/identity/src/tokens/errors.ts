/**
 * Why an access token was refused. Kept on the error for logs and metrics; callers only ever
 * see the generic message (and, for `expired`, that the token expired so a client refreshes).
 */
export type InvalidTokenReason =
  | 'malformed'
  | 'alg'
  | 'kid'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer'
  | 'audience'
  | 'tenant'
  | 'typ'
  /** Signed correctly, but its service client has been revoked since. */
  | 'revoked';

/**
 * A bearer token that must not be accepted. Carries `problemKind`/`problemSlug` (the duck-typed
 * contract of packages/http) so the one error mapper answers 401 without this package knowing
 * about HTTP. The message is safe to show: it never says which key, issuer or tenant was expected.
 */
export class InvalidTokenError extends Error {
  readonly problemKind = 'unauthorized' as const;
  readonly problemSlug = 'invalid-token';

  constructor(
    readonly reason: InvalidTokenReason,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'expired' ? 'The access token has expired.' : 'The access token is invalid.',
      options,
    );
    this.name = 'InvalidTokenError';
  }
}
