import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError, tenantManifestSchema } from '@tenantkit/db';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The manifest of packages/db, plus the state an operator may declare. */
export const declaredTenantSchema = tenantManifestSchema.extend({
  status: z.enum(['active', 'suspended']).default('active'),
});
export type DeclaredTenant = z.output<typeof declaredTenantSchema> & { file: string };

const MANIFEST = /\.(json|ya?ml)$/;

/**
 * Reads and validates every manifest of a folder (or one file). All files are checked before
 * anything is returned, and every problem is reported at once, each naming its file and field
 * path (`tenants/acme.yaml: members.0.email: Invalid email address`), so a bad manifest
 * stops the whole apply before it changes anything.
 */
export async function readDeclaredTenants(path: string): Promise<DeclaredTenant[]> {
  const files = MANIFEST.test(path)
    ? [path]
    : (await readdir(path))
        .filter((n) => MANIFEST.test(n))
        .sort()
        .map((n) => join(path, n));
  const problems: string[] = [];
  const tenants: DeclaredTenant[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      const text = await readFile(file, 'utf8');
      raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      problems.push(`${file}: cannot be parsed (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    const result = declaredTenantSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      continue;
    }
    tenants.push({ ...result.data, file });
  }
  const bySlug = new Map<string, string>();
  for (const tenant of tenants) {
    const other = bySlug.get(tenant.slug);
    if (other) problems.push(`${tenant.file}: slug: "${tenant.slug}" is also declared in ${other}`);
    bySlug.set(tenant.slug, tenant.file);
  }
  if (problems.length > 0) throw new ManifestError(problems.join('\n'));
  return tenants;
}
