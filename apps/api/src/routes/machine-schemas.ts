import { z } from '@hono/zod-openapi';
import { ALL_PERMISSIONS, type Permission } from '@tenantkit/identity';
import { storedText } from './shared.ts';

/** Scopes of a machine credential: permission names from the catalog, at least one. */
export const ScopesSchema = z
  .array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]))
  .min(1)
  .max(ALL_PERMISSIONS.length * 2)
  .openapi({ example: ['projects:read'] });

export const CredentialName = storedText(z.string().trim().min(1).max(100)).openapi({
  example: 'CI deploys',
});

/** A secret shown once: never cache the response that carries it. */
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;
