import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { listTasks } from '../../services/tasks.ts';
import { commonErrors, PageQuery, serviceContext } from '../shared.ts';
import { ProjectTasksParams, TaskPageSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:read')] as const,
  'x-permission': 'projects:read',
  method: 'get',
  path: '/{projectId}/tasks',
  tags: ['tasks'],
  summary: "List a project's tasks, oldest first",
  request: { params: ProjectTasksParams, query: PageQuery },
  responses: {
    200: {
      description: 'A page of tasks',
      content: { 'application/json': { schema: TaskPageSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { projectId } = c.req.valid('param');
    const page = await listTasks({
      ctx: serviceContext(c, deps.db),
      input: { projectId, ...c.req.valid('query') },
    });
    return c.json({ items: page.items, nextCursor: page.nextCursor }, 200);
  });
}
