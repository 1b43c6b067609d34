import { createTenant, type TenantRecord, withTenant } from '@tenantkit/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InvalidCredentialsError, insertUser, loginWithPassword } from '../src/index.ts';

// A sign-in that read the account as active must not leave a session behind when an admin
// deactivates the account before the sign-in commits: deactivation deletes the sessions that
// exist when it runs, so one created just after would otherwise outlive it.

let db: TestDatabase;
let redis: TestRedis;
let acme: TenantRecord;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  acme = (
    await createTenant({
      admin: db.admin.sql,
      input: { slug: 'acme', name: 'Acme', tier: 'pooled', platformDomain: 'tenantkit.localhost' },
    })
  ).tenant;
});
afterAll(async () => {
  await redis?.close();
  await db?.drop();
});

it('a sign-in racing a deactivation fails and leaves no session', async () => {
  const user = await withTenant(db.app, acme.id, (tx) =>
    insertUser(tx, acme, { email: 'racer@acme.test', password: PASSWORD }),
  );
  let commit: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    commit = resolve;
  });
  // The deactivation holds the user's row lock, uncommitted, while the sign-in runs.
  const deactivation = db.admin.sql.begin(async (tx) => {
    await tx`update users set status = 'deactivated' where id = ${user.id}`;
    await gate;
    await tx`delete from sessions where user_id = ${user.id}`;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const login = loginWithPassword({
    ctx: {
      deps: { db: db.app, redis: redis.redis, keyPrefix: redis.prefix },
      tenant: acme,
      actor: { actorType: 'anonymous' },
    },
    input: { email: 'racer@acme.test', password: PASSWORD },
  }).then(
    () => 'signed-in',
    (error: unknown) => error,
  );
  // Wait until the sign-in blocks on the row lock, then let the deactivation commit.
  for (let i = 0; i < 500; i++) {
    const [row] = await db.admin.sql`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if ((row?.n ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  commit();
  await deactivation;
  expect(await login).toBeInstanceOf(InvalidCredentialsError);
  const [sessions] = await db.admin.sql`
    select count(*)::int as n from sessions where user_id = ${user.id}`;
  expect(sessions?.n).toBe(0);
});
