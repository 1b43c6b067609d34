export {
  EmailTakenError,
  InvalidCredentialsError,
  MfaStepUnavailableError,
  WeakPasswordError,
} from './errors.ts';
export { type IdentityContext, loginWithPassword, revokeOwnSession } from './login.ts';
export { findUserByEmail, insertUser, normalizeEmail, pgCode, type User } from './users.ts';
