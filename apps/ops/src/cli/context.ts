import { loadOpsConfig, type OpsConfig } from '@tenantkit/config';
import { createDatabase } from '@tenantkit/db';
import { type LifecycleDeps, wildcardDns } from '@tenantkit/lifecycle';
import { JobsClient } from '@tenantkit/worker';
import { developmentMail } from '@tenantkit/worker/dev-mail';
import { Redis } from 'ioredis';

export interface CliContext {
  config: OpsConfig;
  deps: LifecycleDeps;
  /** Created on first use: commands that never touch a queue never connect BullMQ. */
  jobs(): JobsClient;
  out(line: string): void;
  close(): Promise<void>;
}

export function createCliContext(env: Record<string, string | undefined>): CliContext {
  const config = loadOpsConfig(env);
  const admin = createDatabase({
    url: config.db.adminDatabaseUrl,
    max: 2,
    applicationName: 'tenantkit-ops-cli',
  });
  const app = createDatabase({
    url: config.db.appDatabaseUrl,
    max: 2,
    applicationName: 'tenantkit-ops-cli',
  });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let jobs: JobsClient | undefined;
  return {
    config,
    out,
    deps: {
      admin,
      app,
      redis,
      keyPrefix: config.redisKeyPrefix,
      platformDomain: config.db.platformDomain,
      mail: developmentMail(out),
      dns: wildcardDns,
    },
    jobs() {
      jobs ??= new JobsClient({ redisUrl: config.redisUrl, prefix: config.queuePrefix, admin });
      return jobs;
    },
    async close() {
      await jobs?.close();
      await Promise.all([admin.close(), app.close()]);
      redis.disconnect();
    },
  };
}
