import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { listProjects } from '../../services/projects.ts';
import { commonErrors, PageQuery, serviceContext } from '../shared.ts';
import { ProjectPageSchema, projectBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:read')] as const,
  'x-permission': 'projects:read',
  method: 'get',
  path: '/',
  tags: ['projects'],
  summary: 'List projects, oldest first',
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'A page of projects',
      content: { 'application/json': { schema: ProjectPageSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const page = await listProjects({
      ctx: serviceContext(c, deps.db),
      input: c.req.valid('query'),
    });
    return c.json({ items: page.items.map(projectBody), nextCursor: page.nextCursor }, 200);
  });
}
