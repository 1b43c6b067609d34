/**
 * The full api, exactly as main.ts starts it (config from the environment, startApi), in a
 * process of its own. BENCH_KEY_PREFIX isolates its Redis keys; they are deleted on shutdown.
 */
import { startApi } from '@tenantkit/api';
import { loadApiConfig } from '@tenantkit/config';
import { announceReady } from './lifecycle.ts';

const keyPrefix = process.env.BENCH_KEY_PREFIX;
if (!keyPrefix) throw new Error('BENCH_KEY_PREFIX is required');

const api = await startApi({ config: loadApiConfig(process.env), keyPrefix });

announceReady(api.url, async () => {
  const { redis } = api.deps;
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${keyPrefix}*`, count: 1000 })) {
    keys.push(...(batch as string[]));
  }
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  await api.close();
});
