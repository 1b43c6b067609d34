import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { getProject } from '../../services/projects.ts';
import { commonErrors, etag, serviceContext } from '../shared.ts';
import { ProjectParams, ProjectSchema, projectBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:read')] as const,
  'x-permission': 'projects:read',
  method: 'get',
  path: '/{projectId}',
  tags: ['projects'],
  summary: 'Get a project',
  request: { params: ProjectParams },
  responses: {
    200: { description: 'The project', content: { 'application/json': { schema: ProjectSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { projectId } = c.req.valid('param');
    const project = await getProject({ ctx: serviceContext(c, deps.db), input: { projectId } });
    c.header('ETag', etag(project.version));
    return c.json(projectBody(project), 200);
  });
}
