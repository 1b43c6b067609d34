import { z } from '@hono/zod-openapi';

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

export const problems = {
  400: problem('Invalid input'),
  401: problem('No operator session'),
  403: problem('Cross-origin request'),
  404: problem('No such tenant or job'),
  409: problem('Conflicting state'),
} as const;

export const TenantSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended', 'deleting']),
    tier: z.enum(['pooled', 'dedicated']),
    plan: z.string(),
  })
  .openapi('Tenant');

export const JobRefSchema = z
  .object({ queue: z.string(), id: z.string(), href: z.string() })
  .openapi('JobRef');

export const TenantRef = z.object({
  tenant: z.string().min(1).max(64).openapi({ description: 'slug or id' }),
});

export const jobHref = (ref: { queue: string; id: string }) => `/v1/jobs/${ref.queue}/${ref.id}`;
