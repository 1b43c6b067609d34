import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { serve } from '@hono/node-server';
import type { ApiConfig } from '@tenantkit/config';
import { CertificateStore, type SecretCipher, sniCallback } from '@tenantkit/domains';
import type { ApiDeps } from './deps.ts';

export interface HttpsListener {
  port: number;
  store: CertificateStore;
  server: ReturnType<typeof serve>;
}

/**
 * The HTTPS listener: one server whose SNI callback picks each custom domain's certificate from
 * the store (so a newly issued certificate serves without a restart) and the platform
 * certificate for platform subdomains. Same app, same tenant resolution as plain HTTP.
 */
export async function startHttpsListener(
  app: { fetch: Parameters<typeof serve>[0]['fetch'] },
  deps: ApiDeps,
  config: ApiConfig,
  secrets: SecretCipher,
): Promise<HttpsListener | undefined> {
  const { httpsPort, tlsCertFile, tlsKeyFile } = config.domains;
  if (httpsPort === undefined || !tlsCertFile || !tlsKeyFile) return undefined;
  const platform = { cert: readFileSync(tlsCertFile), key: readFileSync(tlsKeyFile) };
  const store = new CertificateStore({
    db: deps.db,
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
    secrets,
  });
  await store.start();
  const server = serve({
    fetch: app.fetch,
    port: httpsPort,
    hostname: config.host,
    createServer: createHttpsServer,
    serverOptions: {
      ...platform,
      SNICallback: sniCallback({
        store,
        platformDomain: deps.platformDomain,
        platformContext: createSecureContext(platform),
        onError: (err, servername) =>
          deps.logger.error({ err, servername }, 'certificate lookup failed'),
      }),
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { port: (server.address() as AddressInfo).port, store, server };
}
