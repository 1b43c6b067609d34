import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { ReadLanes } from './read-lanes.ts';

export type Sql = postgres.Sql;

export interface Database {
  /** The postgres.js pool. */
  readonly sql: Sql;
  /** drizzle over the pool; tenant data is only ever reached through `withTenant`. */
  readonly drizzle: PostgresJsDatabase;
  /** Tenant-pinned connections for `tenantRead`, when created with `readLanes`. */
  readonly reads?: ReadLanes;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  max?: number;
  applicationName?: string;
  /**
   * Named prepared statements for postgres.js's own queries (default true; docs/adr/0004).
   * drizzle's queries stay unnamed either way. Turn off only behind a transaction pooler that
   * cannot track protocol-level prepared statements (PgBouncer before 1.21, or
   * `max_prepared_statements = 0`).
   */
  prepare?: boolean;
  /**
   * Single connections for `tenantRead`, each tenant pinned to two of them (read-lanes.ts),
   * on top of `max`. 0 (default): tenantRead uses the pool.
   */
  readLanes?: number;
  /**
   * Statements `tenantRead` keeps prepared per read lane, with cached generic plans
   * (prepared-reads.ts, docs/adr/0014); least recently used deallocated beyond it. Default
   * 2,000 (~25 kB of backend memory each for a one-table read); 0, or `prepare: false`, reads
   * inline (parsed and planned every time).
   */
  preparedReadsPerLane?: number;
}

/**
 * A pool that keeps no session state outside transactions, so a transaction pooler may sit in
 * front. postgres.js's own statements (withTenant's BEGIN / set_config / COMMIT, the hot reads)
 * are prepared once per connection: without that, postgres.js waits for a Parse/Describe
 * answer before binding every parameterised statement, and a one-read request costs 5 round
 * trips instead of 1 (docs/adr/0004).
 */
export function createDatabase({
  url,
  max = 10,
  applicationName = 'tenantkit',
  prepare = true,
  readLanes = 0,
  preparedReadsPerLane = 2000,
}: DatabaseOptions): Database {
  const options = {
    prepare,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: {
      application_name: applicationName,
      // tenantRead (tenant-read.ts) inlines string literals by doubling quotes, which is only
      // the whole escaping rule while standard_conforming_strings is on: pinned, not assumed.
      standard_conforming_strings: 'on',
      // Timestamps read as text have one known shape (isoTimestamp, timestamps.ts).
      TimeZone: 'UTC',
      DateStyle: 'ISO, MDY',
    },
  };
  const sql = postgres(url, { ...options, max });
  // Constructed once per pool: drizzle's postgres-js driver installs its type parsers on the
  // pool's options (timestamps as PostgreSQL's text), which connections reserved later share
  // and the hot reads rely on.
  const db = drizzle({ client: sql });
  const reads =
    readLanes > 0
      ? new ReadLanes(
          () => {
            const lane = postgres(url, { ...options, max: 1 });
            drizzle({ client: lane });
            return lane;
          },
          readLanes,
          prepare ? preparedReadsPerLane : 0,
        )
      : undefined;
  return {
    sql,
    drizzle: db,
    reads,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), reads?.close()]);
    },
  };
}
