export {
  ACCESS_TOKEN_TYP,
  type AccessTokenClaims,
  DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_ACCESS_TOKEN_LENGTH,
  type SignAccessTokenInput,
  signAccessToken,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './access-token.ts';
export { InvalidTokenError, type InvalidTokenReason } from './errors.ts';
export {
  activeSigningKey,
  DEFAULT_ROTATION_POLICY,
  type GenerateSigningKeyOptions,
  generateSigningKey,
  type Jwks,
  jwks,
  type PublicSigningJwk,
  planRotation,
  type RotationPlan,
  type RotationPolicy,
  SIGNING_ALG,
  type SigningKey,
  verificationKeys,
} from './signing-keys.ts';
