import type { Database } from '@tenantkit/db';
import type { KeyRing } from '@tenantkit/identity';
import type { LifecycleDeps } from '@tenantkit/lifecycle';
import type { JobsClient } from '@tenantkit/worker';
import type { Logger } from 'pino';

export interface OpsDeps {
  admin: Database;
  lifecycle: LifecycleDeps;
  jobs: JobsClient;
  keyRing: KeyRing;
  logger: Logger;
  /** The one host the operator realm answers on: `ops.<PLATFORM_DOMAIN>`. */
  opsHost: string;
  trustedProxies: ReadonlySet<string>;
  deletionGraceMs: number;
}
