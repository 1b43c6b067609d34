import { z } from '@hono/zod-openapi';
import type { RoleBindingView } from '@tenantkit/identity';

export const PrincipalType = z.enum(['user', 'client']).openapi({
  description: '`user` for members, `client` for service clients of this tenant',
});

export const BindingFields = z.strictObject({
  principalType: PrincipalType,
  principalId: z.uuid(),
  roleKey: z.string().min(1).max(64),
});

export const BindingParams = z.object({
  principalType: PrincipalType.openapi({ param: { name: 'principalType', in: 'path' } }),
  principalId: z.uuid().openapi({ param: { name: 'principalId', in: 'path' } }),
  roleKey: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'roleKey', in: 'path' } }),
});

export const RoleBindingSchema = z
  .object({
    principalType: PrincipalType,
    principalId: z.uuid(),
    roleKey: z.string(),
    source: z.enum(['manual', 'idp']),
    createdAt: z.iso.datetime(),
  })
  .openapi('RoleBinding');

export function bindingBody(binding: RoleBindingView) {
  return { ...binding, createdAt: binding.createdAt.toISOString() };
}
