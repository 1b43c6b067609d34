import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type ApiRuntime, seedDemoTenant, startApi } from '@tenantkit/api';
import { loadApiConfig } from '@tenantkit/config';
import { readTenantManifests, tenantsDir } from '@tenantkit/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { type Browser, chromium } from 'playwright-core';

export const artifactsDir = fileURLToPath(new URL('./artifacts', import.meta.url));

/** The demo members of `tenants/*.json` (demo passwords, committed on purpose). */
export const DEMO_OWNERS = {
  acme: { email: 'owner@acme.test', password: 'rocket-skates-on-the-mesa' },
  globex: { email: 'owner@globex.test', password: 'hammock-district-survey' },
} as const;

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
export async function startSystem({
  env = {},
}: {
  /** Extra api configuration, e.g. `SMTP_URL` of a test SMTP server or `DNS_RESOLVERS`. */
  env?: Record<string, string>;
} = {}): Promise<RunningSystem> {
  const db: TestDatabase = await createTestDatabase();
  const redis: TestRedis = await createTestRedis();
  const config = loadApiConfig({
    DATABASE_URL: db.adminUrl,
    APP_DATABASE_URL: db.appUrl,
    REDIS_URL: process.env.REDIS_URL,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  for (const manifest of await readTenantManifests(tenantsDir)) {
    await seedDemoTenant({
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

/**
 * A request to the api with a chosen Host header, from outside the browser: Node cannot
 * resolve *.localhost names (browsers do), and a browser would never send one host's cookie
 * to another, which is exactly what an attacker holding a stolen cookie would try.
 */
export function requestAs(
  port: number,
  host: string,
  path: string,
  headers: Record<string, string> = {},
  { method = 'GET', json }: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: string; setCookies: string[] }> {
  const payload = json === undefined ? undefined : JSON.stringify(json);
  const sent = payload === undefined ? headers : { ...headers, 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { ...sent, host }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            setCookies: res.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Signs in through the JSON API from outside the browser (a script, another device) and
 * returns its session cookie as a `cookie` header value.
 */
export async function apiSignIn(
  port: number,
  host: string,
  credentials: { email: string; password: string },
  userAgent: string,
): Promise<string> {
  const res = await requestAs(
    port,
    host,
    '/auth/login',
    { 'user-agent': userAgent },
    { method: 'POST', json: credentials },
  );
  const cookie = res.setCookies.find((c) => c.startsWith('__Host-tk_session='));
  if (res.status !== 200 || !cookie)
    throw new Error(`API sign-in failed: ${res.status} ${res.body}`);
  return cookie.split(';')[0] ?? '';
}
