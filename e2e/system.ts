import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ApiRuntime, startApi } from '@tenantkit/api';
import { loadApiConfig } from '@tenantkit/config';
import { readTenantManifests, seedTenant, tenantsDir } from '@tenantkit/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { type Browser, chromium } from 'playwright-core';

export const artifactsDir = fileURLToPath(new URL('./artifacts', import.meta.url));

export interface RunningSystem {
  api: ApiRuntime;
  browser: Browser;
  /** `http://<slug>.tenantkit.localhost:<port>`: Chromium resolves *.localhost to loopback. */
  tenantUrl(slug: string): string;
  stop(): Promise<void>;
}

/**
 * The platform as a user meets it: a fresh database seeded from `tenants/`, the api on a real
 * port, and a headless Chromium. The browser is Debian's (`CHROMIUM_PATH`); nothing is downloaded.
 */
export async function startSystem(): Promise<RunningSystem> {
  const db: TestDatabase = await createTestDatabase();
  const redis: TestRedis = await createTestRedis();
  const config = loadApiConfig({
    DATABASE_URL: db.adminUrl,
    APP_DATABASE_URL: db.appUrl,
    REDIS_URL: process.env.REDIS_URL,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  for (const manifest of await readTenantManifests(tenantsDir)) {
    await seedTenant({
      admin: db.admin,
      app: db.app,
      manifest,
      platformDomain: config.db.platformDomain,
    });
  }
  const api = await startApi({ config, keyPrefix: redis.prefix });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(artifactsDir, { recursive: true });
  return {
    api,
    browser,
    tenantUrl: (slug) => `http://${slug}.${config.db.platformDomain}:${api.port}`,
    async stop() {
      await browser.close();
      await api.close();
      await redis.close();
      await db.drop();
    },
  };
}
