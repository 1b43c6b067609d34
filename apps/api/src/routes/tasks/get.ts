import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { getTask } from '../../services/tasks.ts';
import { commonErrors, etag, serviceContext } from '../shared.ts';
import { TaskParams, TaskSchema, taskBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:read')] as const,
  'x-permission': 'projects:read',
  method: 'get',
  path: '/{projectId}/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'Get a task',
  request: { params: TaskParams },
  responses: {
    200: { description: 'The task', content: { 'application/json': { schema: TaskSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const task = await getTask({ ctx: serviceContext(c, deps.db), input: c.req.valid('param') });
    c.header('ETag', etag(task.version));
    return c.json(taskBody(task), 200);
  });
}
