/**
 * The tenant's signing keys in Postgres (`signing_keys`), private halves envelope-encrypted
 * with the deployment's key ring and bound (aad) to the tenant and kid, so a row copied to
 * another tenant or kid does not decrypt.
 *
 * Keys are created lazily: the first token a tenant issues creates its first key (active at
 * once), and every later issuance applies `planRotation`, which publishes the successor a day
 * before it signs and deletes keys whose every token has expired. Rotation runs under a
 * per-tenant advisory lock, so concurrent issuers create one key, not several.
 *
 * Verification keys (public halves only) are memoised per process for a minute; a token with
 * a kid the memo lacks reloads it at most once per second per tenant, so a new key signed
 * on another instance verifies here at once and garbage kids cannot hammer the database.
 */
import { type Database, schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { JWK } from 'jose';
import { decryptSecret, encryptSecret, type KeyRing } from '../crypto/index.ts';
import {
  activeSigningKey,
  DEFAULT_ROTATION_POLICY,
  generateSigningKey,
  planRotation,
  type RotationPolicy,
  SIGNING_ALG,
  type SigningKey,
  verificationKeys,
} from '../tokens/index.ts';

const { signingKeys } = schema;

const VERIFY_MEMO_MS = 60_000;
const MIN_RELOAD_INTERVAL_MS = 1_000;
const SIGNER_MEMO_MS = 5 * 60_000;

export const signingKeyAad = (tenantId: string, kid: string) =>
  `tenant:${tenantId}:signing-key:${kid}`;

type Row = typeof signingKeys.$inferSelect;

function fromRow(row: Row, privateJwk: JWK): SigningKey {
  return {
    kid: row.kid,
    alg: SIGNING_ALG,
    privateJwk,
    publicJwk: row.publicJwk as JWK,
    createdAt: row.createdAt,
    activatesAt: row.activatesAt,
    retiresAt: row.retiresAt,
    expiresAt: row.expiresAt,
  };
}

/** Public-only view: verification never needs (or decrypts) a private key. */
const publicOnly = (row: Row): SigningKey => fromRow(row, row.publicJwk as JWK);

async function selectKeys(tx: TenantTx, tenantId: string): Promise<Row[]> {
  return tx.select().from(signingKeys).where(eq(signingKeys.tenantId, tenantId));
}

/** The tenant's published keys at `now`, straight from Postgres (JWKS endpoint). */
export async function loadPublishedKeys(
  db: Database,
  tenant: Pick<TenantRecord, 'id'>,
  now = new Date(),
): Promise<SigningKey[]> {
  const rows = await withTenant(db, tenant.id, (tx) => selectKeys(tx, tenant.id));
  return verificationKeys(rows.map(publicOnly), now);
}

interface VerifyMemo {
  keys: SigningKey[];
  loadedAt: number;
}

// Per database handle, so test files (and apps) with their own databases never share entries.
const verifyMemos = new WeakMap<Database, Map<string, VerifyMemo>>();
const signerMemos = new WeakMap<Database, Map<string, { key: SigningKey; checkedAt: number }>>();

function memoFor<T>(memos: WeakMap<Database, Map<string, T>>, db: Database): Map<string, T> {
  let memo = memos.get(db);
  if (!memo) {
    memo = new Map();
    memos.set(db, memo);
  }
  return memo;
}

/**
 * Keys to verify a token of `tenant` whose header names `kid`: this tenant's keys only, from
 * the memo, reloaded when stale or when `kid` is unknown (rate-bounded, see above).
 */
export async function verificationKeysFor(
  db: Database,
  tenant: Pick<TenantRecord, 'id'>,
  kid: string | undefined,
  now = new Date(),
): Promise<SigningKey[]> {
  const memo = memoFor(verifyMemos, db);
  const entry = memo.get(tenant.id);
  const age = entry ? now.getTime() - entry.loadedAt : Number.POSITIVE_INFINITY;
  const knows = entry?.keys.some((key) => key.kid === kid) ?? false;
  if (entry && age < VERIFY_MEMO_MS && (knows || age < MIN_RELOAD_INTERVAL_MS)) {
    return entry.keys;
  }
  const keys = await loadPublishedKeys(db, tenant, now);
  memo.set(tenant.id, { keys, loadedAt: now.getTime() });
  return keys;
}

/**
 * The key that signs for `tenant` now, creating or rotating keys as `planRotation` says.
 * The decision is memoised for a few minutes per process; rotation has days of slack.
 */
export async function signingKeyFor({
  db,
  keyRing,
  tenant,
  now = new Date(),
  policy = DEFAULT_ROTATION_POLICY,
}: {
  db: Database;
  keyRing: KeyRing;
  tenant: Pick<TenantRecord, 'id'>;
  now?: Date;
  policy?: RotationPolicy;
}): Promise<SigningKey> {
  const memo = memoFor(signerMemos, db);
  const cached = memo.get(tenant.id);
  if (
    cached &&
    now.getTime() - cached.checkedAt < SIGNER_MEMO_MS &&
    cached.key.activatesAt.getTime() <= now.getTime() &&
    now.getTime() < cached.key.retiresAt.getTime()
  ) {
    return cached.key;
  }
  const key = await withTenant(db, tenant.id, async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`tenantkit:signing-keys:${tenant.id}`}, 0))`,
    );
    const rows = await selectKeys(tx, tenant.id);
    const plan = planRotation(rows.map(publicOnly), now, policy);
    if (plan.delete.length > 0) {
      await tx
        .delete(signingKeys)
        .where(and(eq(signingKeys.tenantId, tenant.id), inArray(signingKeys.kid, plan.delete)));
    }
    const live = rows.filter((row) => !plan.delete.includes(row.kid));
    if (plan.create) {
      const created = await generateSigningKey(plan.create);
      const [inserted] = await tx
        .insert(signingKeys)
        .values({
          tenantId: tenant.id,
          kid: created.kid,
          alg: SIGNING_ALG,
          privateJwk: encryptSecret(
            keyRing,
            JSON.stringify(created.privateJwk),
            signingKeyAad(tenant.id, created.kid),
          ),
          publicJwk: created.publicJwk,
          createdAt: created.createdAt,
          activatesAt: created.activatesAt,
          retiresAt: created.retiresAt,
          expiresAt: created.expiresAt,
        })
        .returning();
      if (!inserted) throw new Error('insert returned no row');
      live.push(inserted);
    }
    const signer = activeSigningKey(live.map(publicOnly), now);
    const row = signer && live.find((candidate) => candidate.kid === signer.kid);
    if (!row) throw new Error('no signing key can sign now');
    const privateJwk = JSON.parse(
      Buffer.from(
        decryptSecret(keyRing, row.privateJwk, signingKeyAad(tenant.id, row.kid)),
      ).toString('utf8'),
    ) as JWK;
    return fromRow(row, privateJwk);
  });
  memo.set(tenant.id, { key, checkedAt: now.getTime() });
  // The verifier memo of this process may predate a key just created.
  memoFor(verifyMemos, db).delete(tenant.id);
  return key;
}
