import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { deleteProject } from '../../services/projects.ts';
import { expectedVersion, IfMatchHeader, serviceContext, writeErrors } from '../shared.ts';
import { ProjectParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'delete',
  path: '/{projectId}',
  tags: ['projects'],
  summary: 'Delete a project and its tasks',
  request: { params: ProjectParams, headers: IfMatchHeader },
  responses: { 204: { description: 'Deleted' }, ...writeErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { projectId } = c.req.valid('param');
    await deleteProject({
      ctx: serviceContext(c, deps.db),
      input: { projectId, expectedVersion: expectedVersion(c.req.valid('header')['if-match']) },
    });
    return c.body(null, 204);
  });
}
