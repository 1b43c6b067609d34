import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tenantTiers } from '../schema/index.ts';

export const tenantManifestSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  name: z.string().min(1).max(200),
  tier: z.enum(tenantTiers),
  plan: z.string().min(1).max(50).default('free'),
  /** Members to create on first apply (demo tenants; real onboarding invites its owner). */
  members: z
    .array(
      z.strictObject({
        email: z.email().max(320),
        name: z.string().max(200).default(''),
        roles: z.array(z.string().min(1).max(64)).min(1),
        /** Demo tenants only: a password committed to the repository is no secret. */
        password: z.string().min(1).max(256).optional(),
      }),
    )
    .default([]),
  demo: z
    .strictObject({
      projects: z.array(
        z.strictObject({
          name: z.string().min(1).max(200),
          description: z.string().max(10_000).default(''),
          tasks: z.array(z.string().min(1).max(500)).default([]),
        }),
      ),
    })
    .optional(),
});
export type TenantManifest = z.output<typeof tenantManifestSchema>;

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Reads every `*.json` manifest in a folder; an invalid one names its file and field. */
export async function readTenantManifests(dir: string): Promise<TenantManifest[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const manifests: TenantManifest[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new ManifestError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const result = tenantManifestSchema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.map(
        (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
      );
      throw new ManifestError(`${file}: ${issues.join('; ')}`);
    }
    manifests.push(result.data);
  }
  return manifests;
}
