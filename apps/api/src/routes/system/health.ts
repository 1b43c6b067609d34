import { HttpProblem } from '@tenantkit/http';
import type { Hono } from 'hono';
import type { ApiDeps } from '../../deps.ts';

export interface Lifecycle {
  /** Set on SIGTERM: /readyz fails so the load balancer stops sending new requests. */
  draining: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is up. `/readyz`: it can serve (Postgres and Redis answer). */
export function registerHealthRoutes(app: Hono, deps: ApiDeps, lifecycle: Lifecycle): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (lifecycle.draining) throw unavailable('shutting down');
    const [postgres, redis] = await Promise.all([
      check(() => deps.db.sql`select 1`),
      check(() => deps.redis.ping()),
    ]);
    if (!postgres || !redis) {
      throw unavailable(
        `${!postgres ? 'postgres ' : ''}${!redis ? 'redis ' : ''}unreachable`.trim(),
      );
    }
    return c.json({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });
}

async function check(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(detail: string): HttpProblem {
  return new HttpProblem({
    status: 503,
    slug: 'not-ready',
    detail,
    headers: { 'Retry-After': '5' },
  });
}
