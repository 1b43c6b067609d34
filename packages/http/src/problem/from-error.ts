import { HTTPException } from 'hono/http-exception';
import { isDomainErrorLike, PROBLEM_KIND_STATUS } from './domain.ts';
import { HttpProblem, type Problem, problemType, statusSlug, statusTitle } from './index.ts';

export interface MappedError {
  problem: Problem;
  headers?: Record<string, string>;
  /** True when the error is ours to fix, not the caller's: the handler logs it at error level. */
  unexpected: boolean;
}

// Hono's validator throws exactly this when `c.req.json()` fails; there is no error code to
// match on, so the message is the contract (pinned by a test against the real validator).
const MALFORMED_JSON_MESSAGE = 'Malformed JSON in request body';

const INTERNAL: Problem = {
  type: problemType('internal'),
  title: statusTitle(500),
  status: 500,
  detail: 'An unexpected error occurred.',
};

const fromHttpException = (err: HTTPException): MappedError => {
  const status = err.status;
  if (status >= 500) {
    const type = problemType(statusSlug(status));
    return { problem: { ...INTERNAL, type, title: statusTitle(status), status }, unexpected: true };
  }
  const slug =
    status === 400 && err.message === MALFORMED_JSON_MESSAGE
      ? 'malformed-json'
      : statusSlug(status);
  const problem: Problem = { type: problemType(slug), title: statusTitle(status), status };
  // 4xx HTTPException messages are written for the caller (Hono itself sends them as the body).
  if (err.message) problem.detail = err.message;
  // Keep challenge headers such as WWW-Authenticate from a prebuilt `res`; drop its body.
  const headers: Record<string, string> = {};
  err.res?.headers.forEach((value, key) => {
    if (key !== 'content-type' && key !== 'content-length') headers[key] = value;
  });
  return { problem, headers, unexpected: false };
};

/**
 * The one mapper from thrown values to problems. Anything unrecognised becomes a generic 500
 * whose body says nothing about the error: messages and stacks can leak SQL, hosts or secrets.
 */
export const problemFromError = (err: unknown): MappedError => {
  if (err instanceof HttpProblem) {
    return { problem: err.toProblem(), headers: err.headers, unexpected: err.status >= 500 };
  }
  if (isDomainErrorLike(err)) {
    const status = PROBLEM_KIND_STATUS[err.problemKind];
    return {
      problem: {
        ...err.problemExtensions,
        type: problemType(err.problemSlug),
        title: statusTitle(status),
        status,
        detail: err.message,
      },
      unexpected: false,
    };
  }
  if (err instanceof HTTPException) return fromHttpException(err);
  return { problem: { ...INTERNAL }, unexpected: true };
};
