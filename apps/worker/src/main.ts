import { ConfigError, loadOpsConfig } from '@tenantkit/config';
import { createDatabase } from '@tenantkit/db';
import { wildcardDns } from '@tenantkit/lifecycle';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { domainsDepsFromConfig } from './domains-deps.ts';
import { configuredMail } from './mail.ts';
import { defaultRegistry } from './registry.ts';
import { startWorkers } from './runtime.ts';

// The worker process: every queue this deployment has processors for, plus the maintenance
// schedules. SIGTERM/SIGINT drain in-flight jobs for SHUTDOWN_GRACE_MS, then hand the rest back.
let config: ReturnType<typeof loadOpsConfig>;
try {
  config = loadOpsConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const log = pino({ level: config.db.logLevel, base: { app: 'worker' } });
const admin = createDatabase({
  url: config.db.adminDatabaseUrl,
  max: 4,
  applicationName: 'tenantkit-worker-admin',
});
const app = createDatabase({
  url: config.db.appDatabaseUrl,
  max: config.db.poolMax,
  applicationName: 'tenantkit-worker',
});
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
const mail = configuredMail(config.mail, (line) => log.info(line));
const domains = domainsDepsFromConfig(config, { app, redis });
const running = await startWorkers({
  redisUrl: config.redisUrl,
  prefix: config.queuePrefix,
  app,
  registry: defaultRegistry({ domains: domains !== undefined, log: (line) => log.warn(line) }),
  concurrency: config.workerConcurrency,
  schedules: true,
  deps: {
    admin,
    app,
    redis,
    keyPrefix: config.redisKeyPrefix,
    platformDomain: config.db.platformDomain,
    mail,
    dns: wildcardDns,
    deletionGraceMs: config.deletionGraceMs,
    domains,
  },
  onFailed: (queue, job, error) => log.warn({ queue, job, err: error }, 'job failed'),
});
log.info(
  { queues: running.workers.map((w) => w.name), smtp: config.mail.smtpUrl !== null },
  'worker started',
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining jobs');
  const { drained } = await running.close(config.shutdownGraceMs);
  log.info({ drained }, drained ? 'all jobs finished' : 'unfinished jobs handed back');
  await Promise.all([admin.close(), app.close(), redis.quit().catch(() => {}), mail.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
