import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { createTask } from '../../services/tasks.ts';
import { commonErrors, etag, serviceContext } from '../shared.ts';
import { CreateTaskBody, ProjectTasksParams, TaskSchema, taskBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'post',
  path: '/{projectId}/tasks',
  tags: ['tasks'],
  summary: 'Create a task in a project',
  request: {
    params: ProjectTasksParams,
    body: { required: true, content: { 'application/json': { schema: CreateTaskBody } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: TaskSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { projectId } = c.req.valid('param');
    const task = await createTask({
      ctx: serviceContext(c, deps.db),
      input: { projectId, ...c.req.valid('json') },
    });
    c.header('ETag', etag(task.version));
    c.header('Location', `/v1/projects/${projectId}/tasks/${task.id}`);
    return c.json(taskBody(task), 201);
  });
}
