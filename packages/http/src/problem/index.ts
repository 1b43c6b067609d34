/**
 * RFC 9457 problem details: the one error body shape every Tenantkit HTTP response uses.
 *
 * @example
 * ```ts
 * throw new HttpProblem({ status: 429, slug: 'rate-limited', headers: { 'Retry-After': '30' } });
 * // or, inside a handler:
 * return problemResponse(c, { type: problemType('conflict'), title: 'Conflict', status: 409 });
 * ```
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
  [ext: string]: unknown;
};

const PROBLEM_BASE = 'https://tenantkit.dev/problems/';

/** Stable `type` URI for a slug; clients may switch on it, so slugs never change meaning. */
export const problemType = (slug: string): string => `${PROBLEM_BASE}${slug}`;

/** Titles and slugs for statuses we emit without a more specific slug (e.g. HTTPException). */
const STATUS_INFO: Record<number, { slug: string; title: string }> = {
  400: { slug: 'bad-request', title: 'Bad Request' },
  401: { slug: 'unauthorized', title: 'Unauthorized' },
  403: { slug: 'forbidden', title: 'Forbidden' },
  404: { slug: 'not-found', title: 'Not Found' },
  405: { slug: 'method-not-allowed', title: 'Method Not Allowed' },
  408: { slug: 'request-timeout', title: 'Request Timeout' },
  409: { slug: 'conflict', title: 'Conflict' },
  410: { slug: 'gone', title: 'Gone' },
  412: { slug: 'precondition-failed', title: 'Precondition Failed' },
  413: { slug: 'payload-too-large', title: 'Payload Too Large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported Media Type' },
  422: { slug: 'unprocessable', title: 'Unprocessable Content' },
  428: { slug: 'precondition-required', title: 'Precondition Required' },
  429: { slug: 'rate-limited', title: 'Too Many Requests' },
  500: { slug: 'internal', title: 'Internal Server Error' },
  502: { slug: 'bad-gateway', title: 'Bad Gateway' },
  503: { slug: 'unavailable', title: 'Service Unavailable' },
  504: { slug: 'gateway-timeout', title: 'Gateway Timeout' },
};

export const statusSlug = (status: number): string =>
  STATUS_INFO[status]?.slug ?? (status >= 500 ? 'internal' : 'bad-request');

export const statusTitle = (status: number): string =>
  STATUS_INFO[status]?.title ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');

export interface HttpProblemInit {
  status: number;
  slug: string;
  /** Defaults to the standard reason phrase for `status`. */
  title?: string;
  /** Sent to the client as-is, so it must never carry internals. */
  detail?: string;
  /** Extension members merged into the body (e.g. `{ retryAfterSeconds: 30 }`). */
  extensions?: Record<string, unknown>;
  /** Response headers such as `Retry-After` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * A transport-level error (rate limits, auth challenges, bad media types). Domain code should
 * throw its own errors carrying `problemKind` instead, so services stay free of HTTP details.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: HttpProblemInit) {
    const title = init.title ?? statusTitle(init.status);
    super(init.detail ?? title, { cause: init.cause });
    this.name = 'HttpProblem';
    this.status = init.status;
    this.slug = init.slug;
    this.title = title;
    this.detail = init.detail;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  toProblem(): Problem {
    const problem: Problem = {
      ...this.extensions,
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
    };
    if (this.detail !== undefined) problem.detail = this.detail;
    return problem;
  }
}

/**
 * Builds the problem+json response. Goes through `c.body` (not `new Response`) so headers that
 * earlier middleware set on the context, such as X-Request-Id, survive on error responses.
 */
export const problemResponse = (
  c: Context,
  problem: Problem,
  headers?: Record<string, string>,
): Response => {
  const requestId: string | undefined = c.get('requestId');
  const body: Problem = requestId && !problem.requestId ? { ...problem, requestId } : problem;
  // Problems are only ever 4xx/5xx, which always carry a body.
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    ...headers,
    'Content-Type': 'application/problem+json',
  });
};
