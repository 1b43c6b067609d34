export { changePassword } from './change-password.ts';
export {
  EmailTakenError,
  InvalidCredentialsError,
  WeakPasswordError,
} from './errors.ts';
export {
  type IdentityContext,
  loginWithPassword,
  type MfaRequired,
  type PasswordLoginResult,
  revokeOwnSession,
  type SignedIn,
} from './login.ts';
export { findUserByEmail, insertUser, normalizeEmail, pgCode, type User } from './users.ts';
