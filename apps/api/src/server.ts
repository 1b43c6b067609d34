import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ApiConfig } from '@tenantkit/config';
import { createDatabase } from '@tenantkit/db';
import { createLogger } from '@tenantkit/http';
import { parseKeyRing } from '@tenantkit/identity';
import { TenantResolver } from '@tenantkit/tenancy';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { ApiDeps } from './deps.ts';

export interface ApiRuntime {
  url: string;
  port: number;
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
  const db = createDatabase({
    url: config.db.appDatabaseUrl,
    max: config.db.poolMax,
    applicationName: 'tenantkit-api',
  });
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const resolver = new TenantResolver({
    db,
    redis,
    keyPrefix,
    platformDomain: config.db.platformDomain,
    localTtlMs: config.tenantCacheTtlMs,
  });
  await resolver.start();
  const deps: ApiDeps = {
    db,
    redis,
    resolver,
    keyPrefix,
    logger: log,
    platformDomain: config.db.platformDomain,
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    keyRing: parseKeyRing(config.secretsKeyRing),
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

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      lifecycle.draining = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; active ones finish their request.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownGraceMs).unref(),
      );
      await Promise.race([drained, grace]);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await resolver.close();
      await Promise.all([db.close(), redis.quit().catch(() => {})]);
    })();
    return closing;
  };
  return { url: `http://127.0.0.1:${port}`, port, deps, close };
}
