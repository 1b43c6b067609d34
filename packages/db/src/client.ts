import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

export type Sql = postgres.Sql;

export interface Database {
  /** The postgres.js pool. */
  readonly sql: Sql;
  /** drizzle over the pool; tenant data is only ever reached through `withTenant`. */
  readonly drizzle: PostgresJsDatabase;
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
}: DatabaseOptions): Database {
  const sql = postgres(url, {
    max,
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
  });
  // Constructed once: drizzle's postgres-js driver installs its type parsers on the pool's
  // options, which connections reserved later share.
  const db = drizzle({ client: sql });
  return {
    sql,
    drizzle: db,
    close: () => sql.end({ timeout: 5 }),
  };
}
