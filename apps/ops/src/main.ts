import { serve } from '@hono/node-server';
import { ConfigError, loadOpsConfig } from '@tenantkit/config';
import { createDatabase } from '@tenantkit/db';
import { createLogger } from '@tenantkit/http';
import { parseKeyRing } from '@tenantkit/identity';
import { wildcardDns } from '@tenantkit/lifecycle';
import { JobsClient } from '@tenantkit/worker';
import { configuredMail } from '@tenantkit/worker/mail';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';

let config: ReturnType<typeof loadOpsConfig>;
try {
  config = loadOpsConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger({ level: config.db.logLevel }).child({ app: 'ops' });
const admin = createDatabase({
  url: config.db.adminDatabaseUrl,
  max: 4,
  applicationName: 'tenantkit-ops',
});
const app = createDatabase({
  url: config.db.appDatabaseUrl,
  max: 4,
  applicationName: 'tenantkit-ops',
});
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
const mail = configuredMail(config.mail, (line) => logger.info(line));
const jobs = new JobsClient({ redisUrl: config.redisUrl, prefix: config.queuePrefix, admin });
const opsHost = `ops.${config.db.platformDomain}`;
const server = serve({
  fetch: createApp({
    admin,
    jobs,
    logger,
    opsHost,
    keyRing: parseKeyRing(config.secretsKeyRing),
    trustedProxies: new Set((process.env.TRUSTED_PROXIES ?? '').split(',').filter(Boolean)),
    deletionGraceMs: config.deletionGraceMs,
    lifecycle: {
      admin,
      app,
      redis,
      keyPrefix: config.redisKeyPrefix,
      platformDomain: config.db.platformDomain,
      mail,
      dns: wildcardDns,
    },
  }).fetch,
  port: config.port,
  hostname: config.host,
});
logger.info(
  { port: config.port, host: opsHost },
  `ops listening: http://${opsHost}:${config.port}/queues`,
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await jobs.close();
      await Promise.all([admin.close(), app.close(), redis.quit().catch(() => {}), mail.close()]);
      process.exit(0);
    });
    setTimeout(() => process.exit(0), config.shutdownGraceMs).unref();
  });
}
