import { randomUUID } from 'node:crypto';
import { schema, type TenantRecord, uuidv7, withTenant } from '@tenantkit/db';
import { createMember, createSessionToken } from '@tenantkit/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelTenantDeletion,
  onboardTenant,
  purgeTenant,
  requestTenantDeletion,
} from '../src/index.ts';
import { createLifecycleFixture, type LifecycleFixture, rowsOfTenant } from './support.ts';

let fx: LifecycleFixture;
const actor = { type: 'operator', id: 'op-1' } as const;

async function tenantWithData(slug: string, tier: TenantRecord['tier']): Promise<TenantRecord> {
  const { tenant } = await onboardTenant({
    deps: fx.deps,
    actor,
    input: { tenantId: randomUUID(), slug, name: slug, tier, ownerEmail: `owner@${slug}.test` },
  });
  await withTenant(fx.db.app, tenant.id, async (tx) => {
    const { user } = await createMember(
      tx,
      tenant,
      { actorType: 'system' },
      {
        email: `admin@${slug}.test`,
        roleKeys: ['owner'],
      },
    );
    const token = createSessionToken();
    await tx.insert(schema.sessions).values({
      tenantId: tenant.id,
      id: token.id,
      userId: user.id,
      secretHash: token.secretHash,
      expiresAt: new Date(Date.now() + 3_600_000),
      absoluteExpiresAt: new Date(Date.now() + 7_200_000),
    });
    const projectId = uuidv7();
    await tx.insert(schema.projects).values({ tenantId: tenant.id, id: projectId, name: 'p' });
    await tx.insert(schema.tasksRelationFor(tenant)).values(
      Array.from({ length: 25 }, (_, i) => ({
        tenantId: tenant.id,
        id: uuidv7(),
        projectId,
        title: `t${i}`,
      })),
    );
  });
  return tenant;
}

beforeAll(async () => {
  fx = await createLifecycleFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('deleting a tenant', () => {
  it('suspends it at once, refuses to purge inside the grace period, and can be cancelled', async () => {
    const tenant = await tenantWithData('regret', 'pooled');
    const request = await requestTenantDeletion(fx.deps, tenant.slug, actor, 3_600_000);
    expect(request.tenant.status).toBe('deleting');
    await expect(purgeTenant(fx.deps, tenant.id)).rejects.toMatchObject({
      problemSlug: 'grace-period',
    });
    const restored = await cancelTenantDeletion(fx.deps, tenant.slug, actor);
    expect(restored.status).toBe('active');
    await expect(purgeTenant(fx.deps, tenant.id)).rejects.toMatchObject({
      problemSlug: 'not-deleting',
    });
    expect((await rowsOfTenant(fx.db, tenant.id)).tasks_pooled).toBe(25);
  });

  it.each(['dedicated', 'pooled'] as const)(
    'purges every row and partition of a %s tenant, reports them, and spares the others',
    async (tier) => {
      const doomed = await tenantWithData(`doomed-${tier}`, tier);
      const kept = await tenantWithData(`kept-${tier}`, tier);
      const keptBefore = await rowsOfTenant(fx.db, kept.id);
      const before = await rowsOfTenant(fx.db, doomed.id);
      expect(before.users).toBe(1);
      expect(before.invitations).toBe(1);

      await requestTenantDeletion(fx.deps, doomed.id, actor, 0);
      const report = await purgeTenant(fx.deps, doomed.id);

      const after = await rowsOfTenant(fx.db, doomed.id);
      expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
      const leaves = await fx.db.admin.sql`
        select relname from pg_class where relname like ${`%\\_t\\_${doomed.id.replaceAll('-', '')}%`}`;
      expect(leaves).toEqual([]);
      expect(report.slug).toBe(doomed.slug);
      expect(report.rows).toMatchObject({
        users: 1,
        sessions: 1,
        projects: 1,
        invitations: 1,
        tenants: 1,
      });
      expect(report.rows[`tasks_${tier}`]).toBe(25);
      expect(report.partitions).toHaveLength(tier === 'dedicated' ? 2 : 0);
      expect(await rowsOfTenant(fx.db, kept.id)).toEqual(keptBefore);
      // Asking again answers with the recorded report and removes nothing more.
      expect(await purgeTenant(fx.deps, doomed.id)).toEqual(report);
    },
    60_000,
  );
});
