import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';

const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

let bundle: Promise<Buffer> | undefined;

/**
 * The Scalar reference page's script, served from our own origin: the default loads it from a
 * CDN, which an offline or locked-down deployment cannot reach and a strict CSP should not allow.
 */
function scalarBundle(): Promise<Buffer> {
  if (!bundle) {
    // createRequire rather than import.meta.resolve, which vitest's module runner lacks.
    const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
    bundle = readFile(join(dirname(entry), 'browser', 'standalone.js'));
  }
  return bundle;
}

/** `/openapi.json` (OpenAPI 3.1 from the zod route definitions) and `/docs` (Scalar). */
export function registerDocsRoutes(app: OpenAPIHono): void {
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Tenantkit API',
      version: '1.0.0',
      description: 'The tenant-facing API. The tenant is the one the request host belongs to.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
    tags: [
      { name: 'projects', description: 'The sample product resource' },
      { name: 'tasks', description: 'Tasks of a project (partitioned by tenant)' },
      { name: 'auth', description: 'Sign-in, sign-out and your own sessions' },
      { name: 'audit', description: 'The hash-chained audit log of security-relevant actions' },
    ],
  }));
  app.get('/docs/scalar.js', async (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(new Uint8Array(await scalarBundle()), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
    });
  });
  app.use('/docs', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', DOCS_CSP);
  });
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: '/docs/scalar.js',
      pageTitle: 'Tenantkit API',
      // The default fonts come from Scalar's CDN, which the CSP (and offline installs) refuse.
      withDefaultFonts: false,
    }),
  );
}
