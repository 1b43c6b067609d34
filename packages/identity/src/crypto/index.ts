export {
  API_KEY_PREFIX,
  type ApiKey,
  CLIENT_SECRET_PREFIX,
  createApiKey,
  createClientSecret,
  type ParsedApiKey,
  parseApiKey,
  parseClientSecret,
  verifyApiKeySecret,
} from './api-key.ts';
export {
  decryptSecret,
  encryptSecret,
  envelopeKeyId,
  type KeyRing,
  needsReencryption,
  parseKeyRing,
  SecretDecryptionError,
  type SecretDecryptionFailure,
} from './envelope.ts';
export {
  checkPasswordPolicy,
  isCommonPassword,
  isTrivialPattern,
  loadCommonPasswords,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordContext,
  type PasswordPolicyResult,
  type PasswordPolicyViolation,
} from './password-policy.ts';
export {
  type Argon2HashParams,
  DUMMY_PASSWORD_HASH,
  dummyPasswordVerify,
  hashPassword,
  isOutdatedArgon2Hash,
  PASSWORD_PARAMS,
  type PasswordParams,
  type PasswordVerification,
  parseArgon2Hash,
  verifyPassword,
} from './passwords.ts';
export {
  constantTimeEqual,
  randomBytes,
  randomString,
  randomToken,
  sha256Base64url,
  sha256Hex,
} from './secrets.ts';
export {
  createSessionToken,
  parseSessionToken,
  SESSION_TOKEN_LENGTH,
  type SessionToken,
  verifySessionSecret,
} from './session-token.ts';
export {
  createRecoveryCodes,
  createTotpEnrollment,
  hashRecoveryCode,
  isRecoveryCodeFormat,
  normalizeRecoveryCode,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  type TotpEnrollment,
  type TotpVerification,
  totpStep,
  type VerifyTotpOptions,
  verifyTotp,
} from './totp.ts';
