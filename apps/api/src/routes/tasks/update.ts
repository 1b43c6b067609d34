import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { updateTask } from '../../services/tasks.ts';
import { etag, expectedVersion, IfMatchHeader, serviceContext, writeErrors } from '../shared.ts';
import { TaskParams, TaskSchema, taskBody, UpdateTaskBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'patch',
  path: '/{projectId}/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'Update a task (optimistic concurrency with If-Match)',
  request: {
    params: TaskParams,
    headers: IfMatchHeader,
    body: { required: true, content: { 'application/json': { schema: UpdateTaskBody } } },
  },
  responses: {
    200: {
      description: 'The updated task',
      content: { 'application/json': { schema: TaskSchema } },
    },
    ...writeErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const task = await updateTask({
      ctx: serviceContext(c, deps.db),
      input: {
        ...c.req.valid('param'),
        patch: c.req.valid('json'),
        expectedVersion: expectedVersion(c.req.valid('header')['if-match']),
      },
    });
    c.header('ETag', etag(task.version));
    return c.json(taskBody(task), 200);
  });
}
