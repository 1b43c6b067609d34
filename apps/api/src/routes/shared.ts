import { z } from '@hono/zod-openapi';
import type { Database } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import type { Context } from 'hono';
import type { ServiceContext } from '../services/context.ts';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://tenantkit.dev/problems/not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error responses every tenant route can give, for the OpenAPI document. */
export const commonErrors = {
  400: problem('Malformed request: bad JSON, bad path parameter or bad cursor'),
  404: problem('Unknown host, or no such resource in this tenant'),
  413: problem('Body over the size limit'),
  422: problem('Body or query failed validation; `errors` lists each field'),
};
export const writeErrors = {
  ...commonErrors,
  412: problem('If-Match did not match the current version'),
};

/**
 * Text that is stored in a Postgres `text` column. Postgres cannot store U+0000, so without
 * this check a NUL in a body reached the database and failed there as a 500.
 */
export const storedText = <T extends z.ZodString>(schema: T) =>
  schema.refine((value) => !value.includes('\u0000'), 'must not contain U+0000 (NUL)');

export const uuidParam = (name: string) =>
  z
    .uuid()
    .openapi({ param: { name, in: 'path' }, example: '01936b2e-7c1a-7000-8000-000000000000' });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
});

export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'ETag of the version this write expects, e.g. "3"' }),
});

export const etag = (version: number) => `"${version}"`;

/**
 * The version an If-Match header asks for; undefined when absent or `*`. If-Match compares
 * strongly (RFC 9110 13.1.1), so a weak tag, like any value this API did not issue, can never
 * match: 412, not 400. A list of tags is refused the same way; clients send the one they read.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,9})"\s*$/.exec(ifMatch);
  if (!match?.[1]) {
    throw new HttpProblem({
      status: 412,
      slug: 'version-mismatch',
      detail: 'If-Match must be an ETag this API issued, such as "3".',
    });
  }
  return Number(match[1]);
}

export function serviceContext(c: Context, db: Database): ServiceContext {
  return { db, tenant: c.get('tenant') };
}

/**
 * The body of an action route (`POST .../enable`): POSTs to /v1 are JSON, so actions take an
 * empty JSON object, which also leaves room for options later.
 */
export const EmptyActionBody = {
  required: false,
  content: { 'application/json': { schema: z.strictObject({}).openapi('EmptyAction') } },
};
