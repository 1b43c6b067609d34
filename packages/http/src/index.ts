export { type BodyLimitOptions, bodyLimit } from './body-limit/index.ts';
export type { HttpVariables } from './context.ts';
export {
  type ErrorHandlerOptions,
  errorHandler,
  notFoundHandler,
} from './error-handler/index.ts';
export { type JsonBodyOptions, jsonBody } from './json-body/index.ts';
export { type CreateLoggerOptions, createLogger } from './logger/index.ts';
export {
  type DomainErrorLike,
  isDomainErrorLike,
  PROBLEM_KIND_STATUS,
  type ProblemKind,
} from './problem/domain.ts';
export { type MappedError, problemFromError } from './problem/from-error.ts';
export {
  HttpProblem,
  type HttpProblemInit,
  type Problem,
  problemResponse,
  problemType,
} from './problem/index.ts';
export {
  type LeaseOptions,
  type LimitEntry,
  limitAll,
  RateLimiter,
  type RateLimiterOptions,
  RateLimiterUnavailableError,
  RateLimitLeases,
  type RateLimitOptions,
  type RateLimitPolicy,
  type RateLimitResult,
  rateLimit,
  rateLimitHeaders,
} from './rate-limit/index.ts';
export { type RequestIdOptions, requestId } from './request-id/index.ts';
export { type RequestLoggerOptions, requestLogger } from './request-logger/index.ts';
export { type SecurityHeadersOptions, securityHeaders } from './security-headers/index.ts';
export { type ValidationResult, validationHook } from './validation/index.ts';
