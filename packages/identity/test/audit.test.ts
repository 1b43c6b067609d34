import { createTenant, type TenantRecord, withTenant } from '@tenantkit/db';
import { createTestDatabase, type TestDatabase } from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent, verifyAuditChain } from '../src/audit/index.ts';

let db: TestDatabase;
let pooled: TenantRecord;
let dedicated: TenantRecord;
const actor = { actorType: 'user' as const, actorId: 'u1', ip: '::ffff:10.1.2.3', requestId: 'r1' };

beforeAll(async () => {
  db = await createTestDatabase();
  const platformDomain = 'tenantkit.localhost';
  pooled = (
    await createTenant({
      admin: db.admin.sql,
      input: { slug: 'pool', name: 'P', tier: 'pooled', platformDomain },
    })
  ).tenant;
  dedicated = (
    await createTenant({
      admin: db.admin.sql,
      input: { slug: 'ded', name: 'D', tier: 'dedicated', platformDomain },
    })
  ).tenant;
});

afterAll(async () => {
  await db?.drop();
});

async function append(tenant: TenantRecord, n: number) {
  for (let i = 0; i < n; i++) {
    await withTenant(db.app, tenant.id, (tx) =>
      appendAuditEvent(tx, tenant, actor, {
        action: 'test.event',
        targetType: 'thing',
        targetId: `t${i}`,
        data: { i, nested: { b: 1, a: [1, 2] } },
      }),
    );
  }
}

const verify = (tenant: TenantRecord) =>
  withTenant(db.app, tenant.id, (tx) => verifyAuditChain(tx, tenant, { pageSize: 3 }));
const table = (tenant: TenantRecord) =>
  tenant.tier === 'pooled'
    ? 'audit_events_pooled'
    : `audit_events_t_${tenant.id.replaceAll('-', '')}`;

describe('audit hash chain', () => {
  it('links events in order and verifies across pages, for both tiers', async () => {
    await append(pooled, 7);
    await append(dedicated, 4);
    expect(await verify(pooled)).toEqual({ events: 7, firstBreak: null });
    expect(await verify(dedicated)).toEqual({ events: 4, firstBreak: null });
  });

  it('serialises concurrent appends of one tenant into one unbroken chain', async () => {
    const before = (await verify(pooled)).events;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTenant(db.app, pooled.id, (tx) =>
          appendAuditEvent(tx, pooled, actor, { action: `burst.${i}` }),
        ),
      ),
    );
    expect(await verify(pooled)).toEqual({ events: before + 20, firstBreak: null });
  });

  it('is append-only for the runtime role', async () => {
    await expect(
      withTenant(db.app, pooled.id, (tx) =>
        tx.$client.unsafe(`update audit_events_pooled set action = 'x'`),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      withTenant(db.app, pooled.id, (tx) => tx.$client.unsafe(`delete from audit_events_pooled`)),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('reports the first edited event', async () => {
    await db.admin.sql.unsafe(`update ${table(dedicated)} set data = '{"i":99}' where seq = 3`);
    const report = await verify(dedicated);
    expect(report.firstBreak).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('reports a deleted event as a gap, and a truncated tail through the head', async () => {
    const other = (
      await createTenant({
        admin: db.admin.sql,
        input: { slug: 'gap', name: 'G', tier: 'pooled', platformDomain: 'x.test' },
      })
    ).tenant;
    await append(other, 5);
    await db.admin.sql`delete from audit_events_pooled where tenant_id = ${other.id} and seq = 2`;
    expect((await verify(other)).firstBreak).toMatchObject({ seq: 2, reason: 'gap' });
    await db.admin.sql`delete from audit_events_pooled where tenant_id = ${other.id} and seq >= 2`;
    expect((await verify(other)).firstBreak).toMatchObject({ seq: 2, reason: 'head_mismatch' });
  });
});
