import { z } from '@hono/zod-openapi';

const State = z.object({
  status: z.string(),
  reason: z.string().nullable(),
  nextAttemptAt: z
    .string()
    .nullable()
    .openapi({ description: 'When the next check or retry runs' }),
});

export const DomainSchema = z
  .object({
    hostname: z.string().openapi({ example: 'app.acme.com' }),
    status: z
      .enum(['pending_verification', 'verified', 'active', 'failed', 'moved', 'removed'])
      .openapi({ description: 'Ownership and serving lifecycle' }),
    reason: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    certificate: State.openapi({
      description: 'none -> pending_issuance -> issued -> renewing, or failed / expired',
    }),
    instructions: z.object({
      ownership: z.object({ type: z.literal('TXT'), name: z.string(), value: z.string() }),
      routing: z
        .object({ type: z.literal('CNAME'), name: z.string(), value: z.string() })
        .nullable(),
      apexRouting: z
        .object({ type: z.literal('A'), name: z.string(), values: z.array(z.string()) })
        .nullable(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Domain');

export const DomainWithEventsSchema = DomainSchema.extend({
  events: z.array(
    z.object({
      machine: z.enum(['domain', 'certificate']),
      from: z.string().nullable(),
      to: z.string(),
      reason: z.string().nullable(),
      at: z.string(),
    }),
  ),
}).openapi('DomainWithEvents');

export const CreateDomainBody = z
  .object({ hostname: z.string().min(1).max(253).openapi({ example: 'app.acme.com' }) })
  .openapi('CreateDomain');

export const HostnameParams = z.object({
  hostname: z
    .string()
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a DNS hostname')
    .openapi({ param: { name: 'hostname', in: 'path' }, example: 'app.acme.com' }),
});
