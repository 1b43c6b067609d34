import type { Database, Sql } from './client.ts';
import { InvalidInputError } from './errors.ts';
import { isUuid } from './ids.ts';
import type { PreparedReads } from './prepared-reads.ts';

/** A value of an `inlineSql` text: its checked literal, and a parameter of its prepared form. */
interface SqlValue {
  readonly literal: string;
}
type SqlPart = string | SqlValue;

/**
 * SQL built by `inlineSql`: fixed text, checked identifiers and checked values. Only
 * `inlineSql` (and `sqlIdentifier`) make one, so a string from a request can never reach
 * `tenantRead` as SQL. It has two renderings: `text`, with every value inlined as a literal,
 * and `prepared`, where strings and numbers are `$1..$n` parameters (its `shape`, the same for
 * every request of one kind) and `args` their literals, for `EXECUTE` (prepared-reads.ts).
 */
export class InlineSql {
  private cachedText?: string;
  /** @internal use inlineSql */
  constructor(readonly parts: readonly SqlPart[]) {}

  get text(): string {
    this.cachedText ??= this.parts.map((p) => (typeof p === 'string' ? p : p.literal)).join('');
    return this.cachedText;
  }

  get prepared(): { shape: string; args: string[] } {
    const args: string[] = [];
    let shape = '';
    for (const part of this.parts) {
      if (typeof part === 'string') shape += part;
      else shape += `$${args.push(part.literal)}`;
    }
    return { shape, args };
  }
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
  const parts: SqlPart[] = [strings[0] ?? ''];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value instanceof InlineSql) parts.push(...value.parts);
    else parts.push(sqlPart(value));
    parts.push(strings[i + 1] ?? '');
  }
  return new InlineSql(parts);
}

// Identifiers, booleans and null stay in the statement's shape; strings and numbers are the
// values that vary per request, so they become parameters of its prepared form.
function sqlPart(value: InlineValue | undefined): SqlPart {
  if (value === null) return 'null';
  if (value instanceof SqlIdentifier) return value.quoted;
  switch (typeof value) {
    case 'string':
      if (value.includes('\0')) throw new TypeError('a SQL string cannot contain NUL');
      return { literal: `'${value.replaceAll("'", "''")}'` };
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
      return { literal: value < 0 ? `(${value})` : String(value) };
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
 * transaction pooler. No BEGIN/COMMIT, no reserved connection, one round trip (docs/adr/0012).
 * On read lanes with prepared reads the statement is `EXECUTE`d from a per-connection prepared
 * statement with a cached generic plan instead of being parsed and planned again
 * (prepared-reads.ts, docs/adr/0014); the message is still one implicit transaction. For reads
 * only: writes, and anything with more than one statement, belong in `withTenant`.
 */
export async function tenantRead<T>(
  db: Database,
  tenantId: string,
  statement: InlineSql,
): Promise<T[]> {
  if (!isUuid(tenantId)) throw new InvalidInputError('invalid-tenant', 'tenant id must be a UUID');
  if (!(statement instanceof InlineSql)) throw new TypeError('tenantRead takes inlineSql text');
  const setup = `set local app.tenant_id = '${tenantId}'`;
  // On the tenant's own connections when the database has read lanes (read-lanes.ts).
  if (!db.reads) return (await readInline(db.sql, setup, statement)) as T[];
  return (await db.reads.run(tenantId, (sql, prepared) =>
    prepared ? readPrepared(sql, prepared, setup, statement) : readInline(sql, setup, statement),
  )) as T[];
}

type Results = unknown[][];

const send = async (sql: Sql, text: string): Promise<Results> =>
  (await sql.unsafe(text).simple()) as unknown as Results;

// postgres.js gives a simple query one result per statement that returns rows, the statements
// before it (SET, PREPARE, DEALLOCATE) folded into one: [those, the read's rows]. A third
// result means the text held a second read.
const notOneStatement = () => new Error('tenantRead: the statement must be exactly one');

async function readInline(sql: Sql, setup: string, statement: InlineSql): Promise<unknown[]> {
  const results = await send(sql, `${setup};\n${statement.text}`);
  if (results.length !== 2) throw notOneStatement();
  return results[1] as unknown[];
}

async function readPrepared(
  sql: Sql,
  prepared: PreparedReads,
  setup: string,
  statement: InlineSql,
): Promise<unknown[]> {
  const { shape, args } = statement.prepared;
  for (let attempt = 0; ; attempt++) {
    const message = prepared.message(setup, shape, args);
    if (!message) return readInline(sql, setup, statement);
    let results: Results;
    try {
      results = await send(sql, message.text);
    } catch (error) {
      const next = prepared.recover(error, shape, message);
      if (next === 'inline') return readInline(sql, setup, statement);
      if (next === 'retry' && attempt === 0) continue;
      throw error;
    }
    if (results.length !== 2) {
      prepared.forget();
      throw notOneStatement();
    }
    return results[1] as unknown[];
  }
}
