import { Agent, get } from 'node:https';
import { schema } from '@tenantkit/db';
import * as acme from 'acme-client';
import { eq } from 'drizzle-orm';
import type { AcmeSettings, DomainsDeps } from '../deps.ts';

/**
 * acme-client turns a network error into "Cannot read properties of undefined" once its own
 * retries run out, so the directory is reached once first: an unreachable CA then fails with
 * a reason an operator can read (`CA unreachable: ECONNREFUSED`).
 */
async function probeDirectory(settings: AcmeSettings): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = get(
      settings.directoryUrl,
      { timeout: 10_000, ...(settings.caBundlePem ? { ca: settings.caBundlePem } : {}) },
      (res) => {
        res.resume();
        if ((res.statusCode ?? 500) < 500) resolve();
        else reject(new Error(`CA unavailable: directory answered ${res.statusCode}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('CA unreachable: timeout')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`CA unreachable: ${e.code ?? e.message}`)),
    );
  });
}

const accountAad = (directoryUrl: string) => `platform:acme-account:${directoryUrl}`;

/**
 * An acme-client bound to the platform's account at the configured directory. The account key
 * is created once, stored envelope-encrypted in `acme_accounts`, and reused; two processes
 * creating it at once agree on the first one stored.
 */
export async function platformAcmeClient(
  deps: Pick<DomainsDeps, 'db' | 'secrets'>,
  settings: AcmeSettings,
): Promise<acme.Client> {
  if (settings.caBundlePem) {
    // acme-client talks through one shared axios instance; a private CA (Pebble, an internal
    // CA) is trusted there only, never process-wide.
    acme.axios.defaults.httpsAgent = new Agent({ ca: settings.caBundlePem });
  }
  await probeDirectory(settings);
  acme.setLogger(() => {});
  // Retries belong to the job (backoff persisted per domain, visible in the API), not to a
  // request loop that would hold the order lock for a minute while the CA is down.
  const defaults = acme.axios.defaults as typeof acme.axios.defaults & {
    acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number };
  };
  defaults.acmeSettings.retryMaxAttempts = 1;
  defaults.acmeSettings.retryDefaultDelay = 1;
  defaults.timeout = 30_000;
  const { db, secrets } = deps;
  const aad = accountAad(settings.directoryUrl);
  const { acmeAccounts } = schema;
  const read = async () =>
    (
      await db.drizzle
        .select()
        .from(acmeAccounts)
        .where(eq(acmeAccounts.directoryUrl, settings.directoryUrl))
    )[0];
  let account = await read();
  if (!account) {
    const key = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
    await db.drizzle
      .insert(acmeAccounts)
      .values({
        directoryUrl: settings.directoryUrl,
        accountKeyEncrypted: secrets.encrypt(key, aad),
      })
      .onConflictDoNothing();
    account = await read();
    if (!account) throw new Error('ACME account missing after insert');
  }
  const accountKey = secrets.decrypt(account.accountKeyEncrypted, aad);
  const client = new acme.Client({
    directoryUrl: settings.directoryUrl,
    accountKey,
    ...(account.accountUrl ? { accountUrl: account.accountUrl } : {}),
    backoffAttempts: 5,
    backoffMin: 200,
    backoffMax: 3_000,
  });
  if (!account.accountUrl) {
    await client.createAccount({
      termsOfServiceAgreed: true,
      contact: [`mailto:${settings.contactEmail}`],
    });
    await db.drizzle
      .update(acmeAccounts)
      .set({ accountUrl: client.getAccountUrl() })
      .where(eq(acmeAccounts.directoryUrl, settings.directoryUrl));
  }
  return client;
}
