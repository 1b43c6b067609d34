import { DomainError } from '@tenantkit/db';

/**
 * One answer for every failed second-factor check (wrong, replayed, malformed or already used
 * code): it never says which, so a guesser learns nothing beyond "no".
 */
export class InvalidMfaCodeError extends DomainError {
  constructor() {
    super('unauthorized', 'invalid-mfa-code', 'The code is not valid.');
  }
}

/** The sign-in's MFA challenge is missing, expired, used up, or belongs to another browser. */
export class MfaChallengeInvalidError extends DomainError {
  constructor() {
    super(
      'unauthorized',
      'mfa-challenge-invalid',
      'This sign-in has expired. Enter your email and password again.',
    );
  }
}

export class MfaAlreadyEnabledError extends DomainError {
  constructor() {
    super('conflict', 'mfa-already-enabled', 'Two-factor authentication is already enabled.');
  }
}

export class MfaNotEnabledError extends DomainError {
  constructor() {
    super('conflict', 'mfa-not-enabled', 'Two-factor authentication is not enabled.');
  }
}

export class NoPendingEnrolmentError extends DomainError {
  constructor() {
    super(
      'conflict',
      'no-pending-enrolment',
      'Start setting up an authenticator app before confirming a code.',
    );
  }
}

/** Disabling MFA or regenerating recovery codes needs the password or a current code. */
export class ReauthenticationFailedError extends DomainError {
  constructor() {
    // 403, not 401: the caller is signed in; only this proof failed.
    super('forbidden', 'reauthentication-failed', 'The password or code is not correct.');
  }
}

export class EnrolBeforeRequiringMfaError extends DomainError {
  constructor() {
    super(
      'conflict',
      'mfa-enrolment-required-first',
      'Turn on two-factor authentication for your own account before requiring it of everyone.',
    );
  }
}
