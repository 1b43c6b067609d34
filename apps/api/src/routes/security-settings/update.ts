import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { HttpProblem } from '@tenantkit/http';
import { getMfaPolicy, setMfaPolicy } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors, ProblemSchema } from '../shared.ts';
import { SecuritySettingsSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('tenant:manage')] as const,
  'x-permission': 'tenant:manage',
  method: 'patch',
  path: '/',
  tags: ['security'],
  summary: "Change the tenant's security policy (fields left out stay as they are); audited",
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({ mfaRequired: z.boolean().optional() })
            .openapi('SecuritySettingsPatch'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The policy now in force',
      content: { 'application/json': { schema: SecuritySettingsSchema } },
    },
    ...commonErrors,
    409: {
      description: 'Turning the MFA requirement on needs MFA on your own account first',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    // Sessions and machine credentials alike: the permission decides, not the kind of caller.
    const principal = c.get('principal');
    if (!principal) throw new HttpProblem({ status: 401, slug: 'unauthenticated' });
    const body = c.req.valid('json');
    const ctx = identityContext(c, deps);
    const policy =
      body.mfaRequired === undefined
        ? await getMfaPolicy({ ctx })
        : await setMfaPolicy({
            ctx,
            input: { actorPermissions: principal.permissions, mfaRequired: body.mfaRequired },
          });
    return c.json(policy, 200);
  });
}
