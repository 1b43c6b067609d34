import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { deleteTask } from '../../services/tasks.ts';
import { expectedVersion, IfMatchHeader, serviceContext, writeErrors } from '../shared.ts';
import { TaskParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'delete',
  path: '/{projectId}/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'Delete a task',
  request: { params: TaskParams, headers: IfMatchHeader },
  responses: { 204: { description: 'Deleted' }, ...writeErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await deleteTask({
      ctx: serviceContext(c, deps.db),
      input: {
        ...c.req.valid('param'),
        expectedVersion: expectedVersion(c.req.valid('header')['if-match']),
      },
    });
    return c.body(null, 204);
  });
}
