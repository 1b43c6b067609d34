import type { Database } from './client.ts';
import { InvalidInputError } from './errors.ts';
import { isUuid } from './ids.ts';

/**
 * SQL text whose values are already inlined as checked literals. Only `inlineSql` (and
 * `sqlIdentifier`) make one, so a string from a request can never reach `tenantRead` as SQL.
 */
export class InlineSql {
  /** @internal use inlineSql */
  constructor(readonly text: string) {}
}

/** A relation or column name for `inlineSql`: lower-case letters, digits and `_` only. */
export class SqlIdentifier {
  readonly quoted: string;
  constructor(name: string) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
      throw new TypeError(`not a plain identifier: ${name}`);
    this.quoted = `"${name}"`;
  }
}

export const sqlIdentifier = (name: string): SqlIdentifier => new SqlIdentifier(name);

export type InlineValue = string | number | boolean | null | SqlIdentifier | InlineSql;

/**
 * Builds SQL text with its values inlined as literals, for `tenantRead`:
 * strings become `'...'` with quotes doubled (PostgreSQL's rule under
 * `standard_conforming_strings = on`, which createDatabase pins per connection, so a backslash
 * is just a backslash), integers their decimal form, booleans and null their keywords. Strings
 * with a NUL byte, non-integer or unsafe numbers, and anything else are refused. Cast in the
 * SQL where the type matters (`${id}::uuid`).
 *
 * @example
 * inlineSql`select id from ${sqlIdentifier(leaf)} where tenant_id = ${tenantId}::uuid`
 */
export function inlineSql(strings: TemplateStringsArray, ...values: InlineValue[]): InlineSql {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) text += sqlLiteral(values[i]) + (strings[i + 1] ?? '');
  return new InlineSql(text);
}

function sqlLiteral(value: InlineValue | undefined): string {
  if (value === null) return 'null';
  if (value instanceof SqlIdentifier) return value.quoted;
  if (value instanceof InlineSql) return value.text;
  switch (typeof value) {
    case 'string':
      if (value.includes('\0')) throw new TypeError('a SQL string cannot contain NUL');
      return `'${value.replaceAll("'", "''")}'`;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
      return value < 0 ? `(${value})` : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      throw new TypeError(`cannot inline a ${typeof value} into SQL`);
  }
}

/**
 * Runs one read statement for one tenant as a single simple-protocol Query message:
 *
 *   set local app.tenant_id = '<tenant>'; <statement>
 *
 * PostgreSQL runs the statements of one Query message as one implicit transaction, so the
 * setting is transaction-local exactly as in `withTenant` (SET LOCAL is set_config(..., true)
 * as a utility statement: nothing to plan), the read runs under RLS as the
 * runtime role, and nothing of it outlives the message, on this connection or behind a
 * transaction pooler. No BEGIN/COMMIT, no reserved connection, one round trip, and the
 * statement is planned with its literal tenant id, so partitions are pruned at plan time
 * (docs/adr/0012: this is the hot path's way; measured against the prepared BEGIN/set_config/
 * SELECT/COMMIT sequence it replaces). For reads only: writes, and anything with more than
 * one statement, belong in `withTenant`.
 */
export async function tenantRead<T>(
  db: Database,
  tenantId: string,
  statement: InlineSql,
): Promise<T[]> {
  if (!isUuid(tenantId)) throw new InvalidInputError('invalid-tenant', 'tenant id must be a UUID');
  if (!(statement instanceof InlineSql)) throw new TypeError('tenantRead takes inlineSql text');
  const text = `set local app.tenant_id = '${tenantId}';\n${statement.text}`;
  const send = async (sql: Database['sql']) =>
    (await sql.unsafe(text).simple()) as unknown as unknown[];
  // On the tenant's own connections when the database has read lanes (read-lanes.ts).
  const results = db.reads ? await db.reads.run(tenantId, send) : await send(db.sql);
  // One result per statement: [SET's (none), the read's rows].
  if (results.length !== 2) throw new Error('tenantRead: the statement must be exactly one');
  return results[1] as T[];
}
