export {
  createMfaChallenge,
  MFA_CHALLENGE_COOKIE,
  MFA_CHALLENGE_MAX_FAILURES,
  MFA_CHALLENGE_TTL_MS,
  readMfaChallenge,
} from './challenge.ts';
export {
  confirmTotpEnrolment,
  disableTotp,
  getMfaStatus,
  type MfaContext,
  type MfaStatus,
  pendingTotpEnrolment,
  type Reauthentication,
  regenerateRecoveryCodes,
  startTotpEnrolment,
  type TotpSetup,
} from './enrolment.ts';
export {
  EnrolBeforeRequiringMfaError,
  InvalidMfaCodeError,
  MfaAlreadyEnabledError,
  MfaChallengeInvalidError,
  MfaNotEnabledError,
  NoPendingEnrolmentError,
  ReauthenticationFailedError,
} from './errors.ts';
export { completeMfaLogin } from './login-step.ts';
export {
  getMfaPolicy,
  type MfaGateDeps,
  mfaEnrolmentRequired,
  mfaPolicyKey,
  publishMfaEnrolment,
  readMfaPolicy,
  setMfaPolicy,
} from './policy.ts';
export { RECOVERY_CODE_COUNT } from './recovery-codes.ts';
export { totpAad } from './totp-secret.ts';
