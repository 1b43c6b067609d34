import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { createProject } from '../../services/projects.ts';
import { commonErrors, etag, serviceContext } from '../shared.ts';
import { CreateProjectBody, ProjectSchema, projectBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'post',
  path: '/',
  tags: ['projects'],
  summary: 'Create a project',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateProjectBody } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: ProjectSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const project = await createProject({
      ctx: serviceContext(c, deps.db),
      input: c.req.valid('json'),
    });
    c.header('ETag', etag(project.version));
    c.header('Location', `/v1/projects/${project.id}`);
    return c.json(projectBody(project), 201);
  });
}
