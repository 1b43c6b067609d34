// packages/db does not (and should not, it would be a cycle) depend on @tenantkit/testing, so
// the test helpers are reached by path. One place to change if that dependency is ever added.
export {
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
} from '../../testing/src/index.ts';

import type postgres from 'postgres';
import { createTenant, type TenantRecord } from '../src/index.ts';

export const PLATFORM_DOMAIN = 'tenantkit.localhost';

let counter = 0;
/** A slug no other test in this file uses. */
export function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function makeTenant(
  admin: postgres.Sql,
  tier: 'pooled' | 'dedicated',
  slug = uniqueSlug(tier),
): Promise<TenantRecord> {
  const { tenant } = await createTenant({
    admin,
    input: { slug, name: `Tenant ${slug}`, tier, platformDomain: PLATFORM_DOMAIN },
  });
  return tenant;
}

/**
 * The SQLSTATE of a rejected query (postgres.js error, or drizzle's wrapper around one), or
 * a marker when it did not fail.
 */
export async function sqlState(query: Promise<unknown>): Promise<string> {
  try {
    await query;
    return 'no error';
  } catch (error) {
    const { code, cause } = error as { code?: string; cause?: { code?: string } };
    return code ?? cause?.code ?? String(error);
  }
}
