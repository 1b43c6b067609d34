/**
 * Duck-typed contract between domain errors and HTTP. Services throw their own error classes;
 * this package never imports them (dependencies point one way), it only reads these fields.
 *
 * @example
 * ```ts
 * class TenantNotFound extends Error {
 *   readonly problemKind = 'not_found';
 *   readonly problemSlug = 'tenant-not-found';
 * }
 * ```
 */

export const PROBLEM_KIND_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  unprocessable: 422,
  precondition_required: 428,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ProblemKind = keyof typeof PROBLEM_KIND_STATUS;

export interface DomainErrorLike {
  problemKind: ProblemKind;
  problemSlug: string;
  /** Becomes the problem `detail`, so domain messages must be safe to show to callers. */
  message: string;
  /** Extra members merged into the problem body (e.g. `{ field: 'slug' }`). */
  problemExtensions?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

export const isDomainErrorLike = (value: unknown): value is DomainErrorLike => {
  if (!isRecord(value)) return false;
  const { problemKind, problemSlug, message, problemExtensions } = value;
  return (
    typeof problemKind === 'string' &&
    Object.hasOwn(PROBLEM_KIND_STATUS, problemKind) &&
    typeof problemSlug === 'string' &&
    problemSlug.length > 0 &&
    typeof message === 'string' &&
    (problemExtensions === undefined || isRecord(problemExtensions))
  );
};
