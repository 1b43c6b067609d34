import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestError, readTenantManifests, tenantsDir } from '../src/index.ts';

const folders: string[] = [];

async function folder(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tk-manifests-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(
      join(dir, name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return dir;
}

async function failure(dir: string): Promise<string> {
  const error = await readTenantManifests(dir).then(
    () => new Error('expected the manifests to be refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ManifestError);
  return (error as Error).message;
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const valid = { slug: 'acme', name: 'Acme', tier: 'dedicated' };

describe('readTenantManifests', () => {
  it('parses valid manifests in file name order, filling in defaults and ignoring other files', async () => {
    const dir = await folder({
      'b.json': { slug: 'beta', name: 'Beta', tier: 'pooled', plan: 'team' },
      'a.json': {
        ...valid,
        demo: { projects: [{ name: 'Launch' }, { name: 'Ops', tasks: ['Page'] }] },
      },
      'notes.txt': 'not a manifest',
    });
    expect(await readTenantManifests(dir)).toEqual([
      {
        ...valid,
        plan: 'free',
        members: [],
        demo: {
          projects: [
            { name: 'Launch', description: '', tasks: [] },
            { name: 'Ops', description: '', tasks: ['Page'] },
          ],
        },
      },
      { slug: 'beta', name: 'Beta', tier: 'pooled', plan: 'team', members: [] },
    ]);
  });

  it('names the file and the field of an invalid value', async () => {
    const dir = await folder({ 'a.json': valid, 'bad.json': { ...valid, tier: 'shared' } });
    const message = await failure(dir);
    expect(message).toContain(join(dir, 'bad.json'));
    expect(message).toMatch(/\btier: /);
    expect(message).not.toContain(join(dir, 'a.json'));
  });

  it('names the full path of a nested field', async () => {
    const dir = await folder({
      'nested.json': {
        ...valid,
        demo: { projects: [{ name: 'ok' }, { name: 'ok', tasks: [''] }] },
      },
    });
    const message = await failure(dir);
    expect(message).toContain(join(dir, 'nested.json'));
    expect(message).toContain('demo.projects.1.tasks.0: ');
  });

  it('refuses unknown keys and a bad slug, listing every problem', async () => {
    const dir = await folder({
      'typo.json': { ...valid, slug: 'Not A Slug', tenant_tier: 'pooled' },
    });
    const message = await failure(dir);
    expect(message).toContain(join(dir, 'typo.json'));
    expect(message).toContain('slug: ');
    expect(message).toContain('tenant_tier');
  });

  it('names the file that is not valid JSON', async () => {
    const dir = await folder({ 'broken.json': '{ "slug": "acme",' });
    const message = await failure(dir);
    expect(message).toContain(join(dir, 'broken.json'));
    expect(message).toContain('not valid JSON');
  });

  it("accepts the repository's own manifests", async () => {
    const manifests = await readTenantManifests(tenantsDir);
    expect(manifests.length).toBeGreaterThan(0);
    expect(new Set(manifests.map((m) => m.slug)).size).toBe(manifests.length);
  });
});
