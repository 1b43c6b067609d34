/**
 * The per-tenant signing-key store against real Postgres: lazy creation, rotation with an
 * overlap window, deletion once every token a key signed has expired, concurrent issuers
 * creating one key, and encryption bound to tenant and kid.
 */
import { randomBytes } from 'node:crypto';
import { createTenant, type TenantRecord } from '@tenantkit/db';
import { createTestDatabase, type TestDatabase } from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ROTATION_POLICY,
  decryptSecret,
  jwks,
  loadPublishedKeys,
  parseKeyRing,
  SecretDecryptionError,
  signAccessToken,
  signingKeyAad,
  signingKeyFor,
  verificationKeysFor,
  verifyAccessToken,
} from '../src/index.ts';

let db: TestDatabase;
let acme: TenantRecord;
let globex: TenantRecord;
const keyRing = parseKeyRing(`t1:${randomBytes(32).toString('base64')}`);
const DAY = 24 * 60 * 60 * 1000;
const policy = DEFAULT_ROTATION_POLICY;
const ISSUER = 'https://acme.tenantkit.localhost';

beforeAll(async () => {
  db = await createTestDatabase();
  const make = async (slug: string) =>
    (
      await createTenant({
        admin: db.admin.sql,
        input: { slug, name: slug, tier: 'pooled', platformDomain: 'tenantkit.localhost' },
      })
    ).tenant;
  [acme, globex] = await Promise.all([make('acme'), make('globex')]);
});

afterAll(async () => {
  await db?.drop();
});

const kids = async (tenant: TenantRecord) =>
  (
    await db.admin.sql<{ kid: string }[]>`
      select kid from signing_keys where tenant_id = ${tenant.id} order by activates_at`
  ).map((row) => row.kid);

describe('signingKeyFor', () => {
  it('creates one key on first use, even for concurrent issuers, active at once', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    // Three issuers race before any of them has memoised a key; the advisory lock lets one create.
    const keys = await Promise.all(
      [1, 2, 3].map(() => signingKeyFor({ db: db.app, keyRing, tenant: acme, now: t0 })),
    );
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await kids(acme)).toEqual([keys[0]?.kid]);
    expect(keys[0]?.activatesAt.getTime()).toBe(t0.getTime());
    expect(await kids(globex)).toEqual([]);
  });

  it('rotates with an overlap: successor published a day early, old key verifies until its tokens expire', async () => {
    const [first] = await kids(acme);
    const firstKey = await signingKeyFor({
      db: db.app,
      keyRing,
      tenant: acme,
      now: new Date('2030-01-01T00:00:00Z'),
    });
    expect(firstKey.kid).toBe(first);
    const retires = firstKey.retiresAt.getTime();

    // Within rotateBeforeMs of retirement: a successor appears, published but not signing yet.
    const nearEnd = new Date(retires - policy.rotateBeforeMs + 1000);
    const signer = await signingKeyFor({ db: db.app, keyRing, tenant: acme, now: nearEnd });
    expect(signer.kid).toBe(first);
    const both = await kids(acme);
    expect(both).toHaveLength(2);
    const successor = both[1];
    const published = await loadPublishedKeys(db.app, acme, nearEnd);
    expect(published.map((k) => k.kid).sort()).toEqual([...both].sort());

    // A token the old key signs just before it retires...
    const lastOld = await signAccessToken({
      key: await signingKeyFor({
        db: db.app,
        keyRing,
        tenant: acme,
        now: new Date(retires - 1000),
      }),
      issuer: ISSUER,
      audience: 'tenantkit-api',
      subject: 'client-1',
      tenantId: acme.id,
      scopes: ['projects:read'],
      now: new Date(retires - 1000),
    });
    // ...after retirement the successor signs, and the old token still verifies.
    const afterRetire = new Date(retires + 1000);
    const next = await signingKeyFor({ db: db.app, keyRing, tenant: acme, now: afterRetire });
    expect(next.kid).toBe(successor);
    const verifyAt = async (now: Date) =>
      verifyAccessToken(lastOld, {
        keys: await verificationKeysFor(db.app, acme, first, now),
        issuer: ISSUER,
        audience: 'tenantkit-api',
        tenantId: acme.id,
        now,
        clockToleranceSeconds: 0,
      });
    await expect(verifyAt(new Date(retires + 5 * 60_000))).resolves.toMatchObject({
      subject: 'client-1',
    });

    // Once every token it signed has expired, it leaves the JWKS and the next run deletes it.
    const gone = new Date(firstKey.expiresAt.getTime() + 1000);
    expect(jwks(await loadPublishedKeys(db.app, acme, gone), gone).keys.map((k) => k.kid)).toEqual([
      successor,
    ]);
    await signingKeyFor({ db: db.app, keyRing, tenant: acme, now: new Date(gone.getTime() + DAY) });
    expect(await kids(acme)).toEqual([successor]);
  });

  it('stores the private key encrypted, bound to tenant and kid', async () => {
    const [row] = await db.admin.sql<{ kid: string; private_jwk: string }[]>`
      select kid, private_jwk from signing_keys where tenant_id = ${acme.id} limit 1`;
    if (!row) throw new Error('no key');
    expect(row.private_jwk.startsWith('v1.t1.')).toBe(true);
    const plain = JSON.parse(
      Buffer.from(
        decryptSecret(keyRing, row.private_jwk, signingKeyAad(acme.id, row.kid)),
      ).toString(),
    );
    expect(typeof plain.d).toBe('string');
    expect(() =>
      decryptSecret(keyRing, row.private_jwk, signingKeyAad(globex.id, row.kid)),
    ).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(keyRing, row.private_jwk, signingKeyAad(acme.id, 'other'))).toThrow(
      SecretDecryptionError,
    );
  });

  it("verification keys are the tenant's own: globex never sees acme's", async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    await signingKeyFor({ db: db.app, keyRing, tenant: globex, now });
    const [acmeKid] = await kids(acme);
    const globexKeys = await verificationKeysFor(db.app, globex, acmeKid, now);
    expect(globexKeys.map((k) => k.kid)).toEqual(await kids(globex));
    for (const key of globexKeys) expect(key.privateJwk).not.toHaveProperty('d');
  });
});
