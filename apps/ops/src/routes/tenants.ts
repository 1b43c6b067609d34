import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { TenantRecord } from '@tenantkit/db';
import {
  asOwner,
  cancelTenantDeletion,
  changeTenantPlan,
  findTenant,
  requestTenantDeletion,
  resumeTenant,
  suspendTenant,
} from '@tenantkit/lifecycle';
import type { Context } from 'hono';
import type { OpsVariables } from '../auth/operator-session.ts';
import type { OpsDeps } from '../deps.ts';
import { JobRefSchema, jobHref, problems, TenantRef, TenantSchema } from './shared.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const actorOf = (c: Context<{ Variables: OpsVariables }>) => ({
  type: 'operator' as const,
  id: c.get('operator').id,
});
const view = (t: TenantRecord) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  status: t.status,
  tier: t.tier,
  plan: t.plan,
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['tenants'],
  summary: 'List tenants',
  request: { query: z.object({ after: z.string().max(64).optional() }) },
  responses: {
    200: json(z.object({ items: z.array(TenantSchema) }), 'Up to 100 tenants by slug'),
    ...problems,
  },
});
const get = createRoute({
  method: 'get',
  path: '/{tenant}',
  tags: ['tenants'],
  summary: 'Get a tenant',
  request: { params: TenantRef },
  responses: { 200: json(TenantSchema, 'The tenant'), ...problems },
});
const onboard = createRoute({
  method: 'post',
  path: '/',
  tags: ['tenants'],
  summary: 'Onboard a tenant (a provisioning job)',
  request: body(
    z.strictObject({
      slug: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
      name: z.string().min(1).max(200),
      tier: z.enum(['pooled', 'dedicated']),
      plan: z.string().min(1).max(50).default('free'),
      ownerEmail: z.email().max(320).optional(),
    }),
  ),
  responses: {
    202: json(JobRefSchema.extend({ tenantId: z.uuid() }), 'Onboarding queued'),
    ...problems,
  },
});
const action = (path: string, summary: string) =>
  createRoute({
    method: 'post',
    path: `/{tenant}/${path}`,
    tags: ['tenants'],
    summary,
    request: { params: TenantRef },
    responses: { 200: json(TenantSchema, 'The tenant after the change'), ...problems },
  });
const suspend = action('suspend', 'Suspend a tenant (every api instance refuses it at once)');
const resume = action('resume', 'Resume a suspended tenant');
const cancelDeletion = action('cancel-deletion', 'Cancel a pending deletion');
const plan = createRoute({
  method: 'put',
  path: '/{tenant}/plan',
  tags: ['tenants'],
  summary: "Change a tenant's plan",
  request: { params: TenantRef, ...body(z.strictObject({ plan: z.string().min(1).max(50) })) },
  responses: { 200: json(TenantSchema, 'The tenant after the change'), ...problems },
});
const moveTier = createRoute({
  method: 'post',
  path: '/{tenant}/move-tier',
  tags: ['tenants'],
  summary: 'Move a tenant between the pooled and dedicated tiers, online (a job)',
  request: { params: TenantRef, ...body(z.strictObject({ to: z.enum(['pooled', 'dedicated']) })) },
  responses: { 202: json(JobRefSchema, 'Move queued'), ...problems },
});
const remove = createRoute({
  method: 'delete',
  path: '/{tenant}',
  tags: ['tenants'],
  summary: 'Delete a tenant: refused at once, purged after the grace period',
  request: { params: TenantRef },
  responses: {
    202: json(JobRefSchema.extend({ purgeAfter: z.string() }), 'Deletion requested'),
    ...problems,
  },
});

export function registerTenantRoutes(
  app: OpenAPIHono<{ Variables: OpsVariables }>,
  deps: OpsDeps,
): void {
  const lc = deps.lifecycle;
  app.openapi(list, async (c) => {
    const { after } = c.req.valid('query');
    const rows = await asOwner(
      deps.admin,
      (tx) => tx<TenantRecord[]>`
        select id, slug, name, status, tier, plan from tenants
        where slug > ${after ?? ''} order by slug limit 100`,
    );
    return c.json({ items: rows.map(view) }, 200);
  });
  app.openapi(get, async (c) =>
    c.json(view(await findTenant(deps.admin, c.req.valid('param').tenant)), 200),
  );
  app.openapi(onboard, async (c) => {
    const input = c.req.valid('json');
    const ref = await deps.jobs.enqueueOnboarding(input, actorOf(c));
    return c.json({ ...ref, href: jobHref(ref) }, 202);
  });
  app.openapi(suspend, async (c) =>
    c.json(view((await suspendTenant(lc, c.req.valid('param').tenant, actorOf(c))).tenant), 200),
  );
  app.openapi(resume, async (c) =>
    c.json(view((await resumeTenant(lc, c.req.valid('param').tenant, actorOf(c))).tenant), 200),
  );
  app.openapi(plan, async (c) => {
    const { tenant } = await changeTenantPlan(
      lc,
      c.req.valid('param').tenant,
      c.req.valid('json').plan,
      actorOf(c),
    );
    return c.json(view(tenant), 200);
  });
  app.openapi(moveTier, async (c) => {
    const tenant = await findTenant(deps.admin, c.req.valid('param').tenant);
    const ref = await deps.jobs.enqueueTierMove(tenant.id, c.req.valid('json').to, actorOf(c));
    return c.json({ ...ref, href: jobHref(ref) }, 202);
  });
  app.openapi(remove, async (c) => {
    const request = await requestTenantDeletion(
      lc,
      c.req.valid('param').tenant,
      actorOf(c),
      deps.deletionGraceMs,
    );
    const ref = await deps.jobs.schedulePurge(request.tenant.id, request.purgeAfter);
    return c.json(
      { ...ref, href: jobHref(ref), purgeAfter: request.purgeAfter.toISOString() },
      202,
    );
  });
  app.openapi(cancelDeletion, async (c) => {
    const tenant = await cancelTenantDeletion(lc, c.req.valid('param').tenant, actorOf(c));
    await deps.jobs.cancelPurge(tenant.id);
    return c.json(view(tenant), 200);
  });
}
