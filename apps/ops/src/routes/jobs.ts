import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '@tenantkit/db';
import { QUEUE_NAMES } from '@tenantkit/worker';
import type { OpsVariables } from '../auth/operator-session.ts';
import type { OpsDeps } from '../deps.ts';
import { problems } from './shared.ts';

const route = createRoute({
  method: 'get',
  path: '/{queue}/{id}',
  tags: ['jobs'],
  summary: 'State and progress of a lifecycle job',
  request: { params: z.object({ queue: z.enum(QUEUE_NAMES), id: z.string().min(1).max(200) }) },
  responses: {
    200: {
      description: 'The job',
      content: {
        'application/json': {
          schema: z.object({
            id: z.string(),
            name: z.string(),
            state: z.string(),
            progress: z.unknown(),
            attemptsMade: z.number(),
            result: z.unknown(),
            failedReason: z.string().nullable(),
          }),
        },
      },
    },
    ...problems,
  },
});

export function registerJobRoutes(
  app: OpenAPIHono<{ Variables: OpsVariables }>,
  deps: OpsDeps,
): void {
  app.openapi(route, async (c) => {
    const { queue, id } = c.req.valid('param');
    const job = await deps.jobs.queue(queue).getJob(id);
    if (!job) throw new NotFoundError(`job ${queue}/${id}`);
    return c.json(
      {
        id: String(job.id),
        name: job.name,
        state: await job.getState(),
        progress: job.progress,
        attemptsMade: job.attemptsMade,
        result: job.returnvalue ?? null,
        failedReason: job.failedReason ?? null,
      },
      200,
    );
  });
}
