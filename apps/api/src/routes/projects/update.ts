import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { updateProject } from '../../services/projects.ts';
import { etag, expectedVersion, IfMatchHeader, serviceContext, writeErrors } from '../shared.ts';
import { ProjectParams, ProjectSchema, projectBody, UpdateProjectBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('projects:write')] as const,
  'x-permission': 'projects:write',
  method: 'patch',
  path: '/{projectId}',
  tags: ['projects'],
  summary: 'Update a project (optimistic concurrency with If-Match)',
  request: {
    params: ProjectParams,
    headers: IfMatchHeader,
    body: { required: true, content: { 'application/json': { schema: UpdateProjectBody } } },
  },
  responses: {
    200: {
      description: 'The updated project',
      content: { 'application/json': { schema: ProjectSchema } },
    },
    ...writeErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { projectId } = c.req.valid('param');
    const project = await updateProject({
      ctx: serviceContext(c, deps.db),
      input: {
        projectId,
        patch: c.req.valid('json'),
        expectedVersion: expectedVersion(c.req.valid('header')['if-match']),
      },
    });
    c.header('ETag', etag(project.version));
    return c.json(projectBody(project), 200);
  });
}
