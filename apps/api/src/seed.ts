import { type Database, seedTenant, type TenantManifest, withTenant } from '@tenantkit/db';
import { createMember, findUserByEmail, provisionTenantIdentity } from '@tenantkit/identity';

/**
 * Applies a demo manifest: the tenant with its demo data (packages/db), its identity
 * (built-in roles, security settings) and its members. Idempotent: members that exist are left
 * as they are. The ops app's `apply` will take over manifests; this keeps the demo runnable.
 */
export async function seedDemoTenant({
  admin,
  app,
  manifest,
  platformDomain,
}: {
  admin: Database;
  app: Database;
  manifest: TenantManifest;
  platformDomain: string;
}) {
  const seeded = await seedTenant({ admin, app, manifest, platformDomain });
  const { tenant } = seeded;
  const members = await withTenant(app, tenant.id, async (tx) => {
    await provisionTenantIdentity(tx, tenant);
    let created = 0;
    for (const member of manifest.members) {
      if (await findUserByEmail(tx, tenant, member.email)) continue;
      await createMember(
        tx,
        tenant,
        { actorType: 'system', actorId: 'seed' },
        {
          email: member.email,
          name: member.name,
          password: member.password,
          roleKeys: member.roles,
        },
      );
      created++;
    }
    return created;
  });
  return { ...seeded, members };
}
