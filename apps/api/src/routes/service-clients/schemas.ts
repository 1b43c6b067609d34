import { z } from '@hono/zod-openapi';
import type { ServiceClientSummary } from '@tenantkit/identity';
import { CredentialName, ScopesSchema } from '../machine-schemas.ts';
import { uuidParam } from '../shared.ts';

export const ServiceClientSchema = z
  .object({
    clientId: z.uuid(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdBy: z.uuid(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('ServiceClient');

export const CreatedServiceClientSchema = ServiceClientSchema.extend({
  clientSecret: z.string().openapi({ description: 'Shown once; store it now.' }),
  tokenEndpoint: z.string().openapi({ example: '/oauth/token' }),
}).openapi('CreatedServiceClient');

export const CreateServiceClientBody = z
  .strictObject({ name: CredentialName, scopes: ScopesSchema })
  .openapi('CreateServiceClient');

export const ServiceClientParams = z.object({ clientId: uuidParam('clientId') });

export function serviceClientBody(client: ServiceClientSummary) {
  return {
    ...client,
    createdAt: client.createdAt.toISOString(),
    revokedAt: client.revokedAt?.toISOString() ?? null,
  };
}
