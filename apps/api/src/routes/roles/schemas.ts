import { z } from '@hono/zod-openapi';
import type { RoleView } from '@tenantkit/identity';
import { storedText } from '../shared.ts';

export const RoleParams = z.object({
  roleKey: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'roleKey', in: 'path' }, example: 'auditor' }),
});

export const RoleSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: z.array(z.string()),
    builtin: z.boolean(),
    createdAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('Role');

export const RoleName = storedText(z.string().trim().min(1).max(100));
export const RoleDescription = storedText(z.string().max(1000));
export const PermissionList = z
  .array(z.string().min(1).max(64))
  .max(50)
  .openapi({ example: ['audit:read'] });

export function roleBody(role: RoleView) {
  return {
    ...role,
    createdAt: role.createdAt?.toISOString() ?? null,
    updatedAt: role.updatedAt?.toISOString() ?? null,
  };
}
