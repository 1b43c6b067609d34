import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ApiConfig } from '@tenantkit/config';
import { createDatabase } from '@tenantkit/db';
import { createDnsResolver, defaultDomainPolicy } from '@tenantkit/domains';
import { createLogger } from '@tenantkit/http';
import { createIdentityCache, parseKeyRing } from '@tenantkit/identity';
import { createLogSender, createSmtpSender, createUnavailableSender } from '@tenantkit/mail';
import { TenantResolver } from '@tenantkit/tenancy';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { ApiDeps } from './deps.ts';
import { defaultRouting, keyRingCipher } from './services/domains.ts';
import { startHttpsListener } from './tls.ts';

export interface ApiRuntime {
  url: string;
  port: number;
  /** The HTTPS (SNI) listener's port, when `HTTPS_PORT` is set. */
  httpsPort?: number;
  deps: ApiDeps;
  /** Graceful: stop accepting, let in-flight requests finish (up to the grace), then close pools. */
  close(): Promise<void>;
}

export interface StartApiOptions {
  config: ApiConfig;
  /** Redis key/channel prefix; tests give each file its own. */
  keyPrefix?: string;
  logger?: Logger;
}

export async function startApi({
  config,
  keyPrefix = 'tk:',
  logger,
}: StartApiOptions): Promise<ApiRuntime> {
  const log = logger ?? createLogger({ level: config.db.logLevel });
  // DATABASE_POOL_MAX connections in all: half of them (from 4 up) are read lanes, single
  // connections each tenant's hot reads are pinned to (packages/db read-lanes.ts, ADR 0013).
  const readLanes = config.db.poolMax >= 4 ? Math.floor(config.db.poolMax / 2) : 0;
  const db = createDatabase({
    url: config.db.appDatabaseUrl,
    max: config.db.poolMax - readLanes,
    readLanes,
    preparedReadsPerLane: config.db.preparedReadsPerLane,
    applicationName: 'tenantkit-api',
  });
  // Auto-pipelining: commands issued by concurrent requests in the same tick go out in one
  // write (fewer syscalls on both sides under load; the hot path sends one command each).
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  await redis.connect();
  const resolver = new TenantResolver({
    db,
    redis,
    keyPrefix,
    platformDomain: config.db.platformDomain,
    localTtlMs: config.tenantCacheTtlMs,
  });
  await resolver.start();
  const identityCache = createIdentityCache({
    redis,
    keyPrefix,
    onWarning: (message, err) => log.warn({ err }, message),
  });
  await identityCache.start();
  const deps: ApiDeps = {
    db,
    redis,
    resolver,
    identityCache,
    keyPrefix,
    logger: log,
    platformDomain: config.db.platformDomain,
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    keyRing: parseKeyRing(config.secretsKeyRing),
    dnsResolver: createDnsResolver(config.dnsResolvers),
    mail: config.mail.smtpUrl
      ? createSmtpSender({ url: config.mail.smtpUrl, from: config.mail.from })
      : config.mail.logWhenUnset
        ? createLogSender({ logger: log, from: config.mail.from })
        : createUnavailableSender(),
    domainRouting: {
      cname: config.domains.cnameTarget ?? defaultRouting(config.db.platformDomain).cname,
      addresses: config.domains.apexAddresses,
    },
    domainPolicy: { ...defaultDomainPolicy, verifyWindowMs: config.domains.verifyWindowMs },
    ssoAllowInsecureIssuers: config.ssoAllowInsecureIssuers,
    apiRateLimitScale: config.apiRateLimitScale,
  };
  const lifecycle = { draining: false };
  const app = createApp(deps, lifecycle);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const https = await startHttpsListener(app, deps, config, keyRingCipher(deps.keyRing));

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      lifecycle.draining = true;
      const servers = https ? [server, https.server] : [server];
      const drained = Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      // Idle keep-alive sockets would hold close() open; active ones finish their request.
      for (const s of servers)
        (s as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownGraceMs).unref(),
      );
      await Promise.race([drained, grace]);
      for (const s of servers) (s as { closeAllConnections?: () => void }).closeAllConnections?.();
      await resolver.close();
      await identityCache.close();
      await https?.store.close();
      await Promise.all([db.close(), redis.quit().catch(() => {}), deps.mail.close()]);
    })();
    return closing;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...(https ? { httpsPort: https.port } : {}),
    deps,
    close,
  };
}
