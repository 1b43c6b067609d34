import { z } from '@hono/zod-openapi';
import type { ApiKeySummary } from '@tenantkit/identity';
import { CredentialName, ScopesSchema } from '../machine-schemas.ts';

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ example: 'tk_live_abcdefghijkl_…' }),
    scopes: z.array(z.string()),
    createdBy: z.uuid(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('ApiKey');

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The whole key. Shown once; store it now.' }),
}).openapi('CreatedApiKey');

export const CreateApiKeyBody = z
  .strictObject({
    name: CredentialName,
    scopes: ScopesSchema,
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .openapi({ description: 'No expiry when absent or null; at most two years ahead' }),
  })
  .openapi('CreateApiKey');

export const ApiKeyParams = z.object({
  keyId: z
    .string()
    .regex(/^[a-z2-7]{12}$/)
    .openapi({ param: { name: 'keyId', in: 'path' }, example: 'abcdefghijkl' }),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function apiKeyBody(key: ApiKeySummary) {
  return {
    ...key,
    createdAt: key.createdAt.toISOString(),
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}
