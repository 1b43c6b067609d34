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
}

/**
 * A pool configured for transaction poolers (PgBouncer, Azure's built-in one): no named
 * prepared statements and no session state outside transactions.
 */
export function createDatabase({
  url,
  max = 10,
  applicationName = 'tenantkit',
}: DatabaseOptions): Database {
  const sql = postgres(url, {
    max,
    prepare: false,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: applicationName },
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
