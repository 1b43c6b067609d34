/** Session lifetime policy (the oslo/Lucia model, OWASP session guidance). */
export const SESSION_POLICY = Object.freeze({
  /** A session unused for this long ends. */
  inactivityMs: 10 * 24 * 60 * 60 * 1000,
  /** No session outlives this, however active. */
  absoluteMs: 30 * 24 * 60 * 60 * 1000,
  /** Expiry is pushed forward at most this often, so an active session writes once an hour. */
  extendEveryMs: 60 * 60 * 1000,
  /** How long Redis may answer for Postgres about one session. */
  cacheTtlMs: 10 * 60 * 1000,
  /** How long an unknown or revoked id is remembered as such. */
  tombstoneTtlMs: 10 * 60 * 1000,
});

export const SESSION_COOKIE = '__Host-tk_session';
