/**
 * `defaultHook` for `OpenAPIHono`: turns zod validation failures into problems.
 *
 * A malformed path parameter (say, a non-UUID id) means the caller addressed a resource that
 * cannot exist, so it is a 400 `invalid-parameter`; a well-addressed request whose query,
 * headers or body break the schema is a 422 `validation-failed`.
 *
 * @example
 * ```ts
 * const app = new OpenAPIHono({ defaultHook: validationHook });
 * ```
 */
import type { Context } from 'hono';
import { problemResponse, problemType } from '../problem/index.ts';

/** The slice of a zod 4 `ZodError` we read; structural so any zod 4 minor fits. */
interface IssueList {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

export type ValidationResult = { target: string } & (
  | { success: true; data?: unknown }
  | { success: false; error: IssueList }
);

// Hono names the JSON and form targets after the parser; callers think of both as "the body".
const TARGET_PREFIX: Record<string, string> = { json: 'body', form: 'body' };

const issuePath = (target: string, path: ReadonlyArray<PropertyKey>): string =>
  [TARGET_PREFIX[target] ?? target, ...path.map(String)].join('.');

export const validationHook = (result: ValidationResult, c: Context): Response | undefined => {
  if (result.success) return undefined;
  const errors = result.error.issues.map((issue) => ({
    path: issuePath(result.target, issue.path),
    message: issue.message,
  }));
  if (result.target === 'param') {
    return problemResponse(c, {
      type: problemType('invalid-parameter'),
      title: 'Invalid Parameter',
      status: 400,
      detail: 'A path parameter is not valid.',
      errors,
    });
  }
  return problemResponse(c, {
    type: problemType('validation-failed'),
    title: 'Validation Failed',
    status: 422,
    detail: 'The request did not match the schema; see errors.',
    errors,
  });
};
