import { PgDialect } from 'drizzle-orm/pg-core';
import { PostgresJsDatabase, PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Database } from './client.ts';
import { InvalidInputError } from './errors.ts';
import { isUuid } from './ids.ts';

/** A drizzle handle bound to one tenant transaction; `$client` is the raw postgres.js one. */
export type TenantTx = PostgresJsDatabase & { $client: postgres.Sql };

/**
 * Runs `fn` in one transaction whose `app.tenant_id` is `tenantId`, set transaction-locally
 * so a pooled connection never carries it into the next transaction.
 *
 * BEGIN and set_config are issued without waiting, on a reserved connection. With
 * `prepare: false` postgres.js still waits for Parse/Describe before executing each
 * parameterised statement, so a one-read request measures 5 round trips, not the 2 the
 * pipelining aims at (infra/bench `--breakdown`; prepared statements bring it to 2). If any
 * statement fails, the transaction is aborted and COMMIT answers ROLLBACK, so nothing is
 * written.
 */
export async function withTenant<T>(
  db: Database,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  if (!isUuid(tenantId)) throw new InvalidInputError('invalid-tenant', 'tenant id must be a UUID');
  const conn = await db.sql.reserve();
  let open = false;
  try {
    const context = Promise.all([
      conn`begin`,
      conn`select set_config('app.tenant_id', ${tenantId}, true)`,
    ]);
    // Awaited after fn; until then a failure must not surface as an unhandled rejection.
    context.catch(() => {});
    open = true;
    const tx = bindDrizzle(conn);
    const result = await fn(tx);
    await context;
    const ended = await conn`commit`;
    open = false;
    // A failed statement that fn caught still aborted the transaction: PostgreSQL then answers
    // COMMIT with ROLLBACK, and returning `result` would report writes that never happened.
    if (ended.command !== 'COMMIT') {
      throw new Error(
        'withTenant: a statement failed inside the transaction, which was rolled back',
      );
    }
    return result;
  } catch (error) {
    if (open) await conn`rollback`.catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

const dialect = new PgDialect();

/**
 * drizzle over one reserved connection. Built from drizzle's session classes because
 * `drizzle()` installs type parsers on `client.options`, which a reserved connection lacks;
 * the pool's drizzle instance (client.ts) has already installed them on the shared options.
 */
function bindDrizzle(conn: postgres.ReservedSql): TenantTx {
  const session = new PostgresJsSession(conn, dialect, undefined, {});
  const tx = new PostgresJsDatabase(dialect, session, undefined) as TenantTx;
  tx.$client = conn;
  return tx;
}
