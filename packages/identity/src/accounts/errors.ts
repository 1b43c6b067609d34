import { DomainError } from '@tenantkit/db';

/** The one answer to every failed login: it never says whether the account exists. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthorized', 'invalid-credentials', 'Email or password is incorrect.');
  }
}

export class WeakPasswordError extends DomainError {
  constructor(reason: string) {
    super(
      'unprocessable',
      'weak-password',
      `The password is not acceptable: ${reason.replaceAll('_', ' ')}.`,
      {
        reason,
      },
    );
  }
}

export class EmailTakenError extends DomainError {
  constructor() {
    super('conflict', 'email-taken', 'A member with this email already exists.');
  }
}
