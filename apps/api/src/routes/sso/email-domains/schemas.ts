import { z } from '@hono/zod-openapi';
import type { EmailDomainView } from '@tenantkit/identity';

export const DomainParams = z.object({
  domain: z
    .string()
    .min(4)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/)
    .openapi({ param: { name: 'domain', in: 'path' }, example: 'acme.com' }),
});

export const AddDomainBody = z
  .strictObject({ domain: z.string().trim().min(4).max(253).openapi({ example: 'acme.com' }) })
  .openapi('AddSsoEmailDomain');

export const EmailDomainSchema = z
  .object({
    domain: z.string(),
    verified: z.boolean(),
    verifiedAt: z.iso.datetime().nullable(),
    lastCheckedAt: z.iso.datetime().nullable(),
    record: z
      .object({ type: z.literal('TXT'), name: z.string(), value: z.string() })
      .openapi({ description: 'Publish this record to prove the workspace owns the domain' }),
  })
  .openapi('SsoEmailDomain');

export function domainBody(view: EmailDomainView) {
  return {
    ...view,
    verifiedAt: view.verifiedAt?.toISOString() ?? null,
    lastCheckedAt: view.lastCheckedAt?.toISOString() ?? null,
  };
}
