import { createHash } from 'node:crypto';

/** What one read sends and how to read its answer back. */
export interface ReadMessage {
  text: string;
  /** The message (re)prepares its statement, so a failure may leave one half-made. */
  prepares: boolean;
}

// SQLSTATEs a prepared read recovers from by resetting and sending again.
const UNKNOWN_STATEMENT = '26000'; // the connection was replaced, or a pooler switched backends
const DUPLICATE_STATEMENT = '42P05'; // the name exists already: content-addressed, so the same
const INDETERMINATE_TYPE = '42P18'; // a parameter with no type from context: read it inline

/**
 * The statements `tenantRead` has prepared on one connection (a read lane), so a hot read
 * becomes
 *
 *   set local app.tenant_id = '<tenant>'; set local plan_cache_mode = force_generic_plan;
 *   execute tk_read_<hash>('<value>', ...)
 *
 * still one simple-protocol message and one implicit transaction, but PostgreSQL neither
 * parses nor plans the read again: its generic plan is cached per connection (ADR 0014;
 * planning was half the read's PostgreSQL CPU). The first read of a shape on the connection
 * prepends `prepare tk_read_<hash> as <shape>`.
 *
 * - Names are a hash of the statement's shape, so a name always means the same statement
 *   whoever prepared it, even behind a pooler that hands out another backend.
 * - The role's `force_custom_plan` stays for everything else; the generic plan is chosen
 *   transaction-locally for these reads only, which name a leaf or a parent with a fixed,
 *   small set of partitions (a generic plan locks every partition it contains).
 * - At most `capacity` statements per connection (each ~25 kB of backend memory for a
 *   one-table read): the least recently used is deallocated in the next message.
 * - Any failure forgets everything (`deallocate all` leads the next message), so a statement
 *   the answer left uncertain is never executed by mistake. A statement missing on the server
 *   (new connection) or already there (same hash) is recovered by one retry.
 */
export class PreparedReads {
  /** shape -> name, in least-recently-used order (Map keeps insertion order). */
  private readonly names = new Map<string, string>();
  private readonly evicted: string[] = [];
  private readonly inlineOnly = new Set<string>();
  private forgetAll = false;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('prepared reads: capacity must be a positive integer');
  }

  /** Statements this connection is believed to hold. */
  get size(): number {
    return this.names.size;
  }

  /** The message for one read; `null` when the shape must be read inline. */
  message(setup: string, shape: string, args: readonly string[]): ReadMessage | null {
    if (this.inlineOnly.has(shape)) return null;
    const lead: string[] = [];
    if (this.forgetAll) {
      lead.push('deallocate all');
      this.forgetAll = false;
      this.evicted.length = 0;
    }
    for (const name of this.evicted.splice(0)) lead.push(`deallocate ${name}`);
    let name = this.names.get(shape);
    const prepares = name === undefined;
    if (name === undefined) {
      name = statementName(shape);
      lead.push(`prepare ${name} as ${shape}`);
      this.remember(shape, name);
    } else {
      this.names.delete(shape);
      this.names.set(shape, name);
    }
    const execute = args.length > 0 ? `execute ${name}(${args.join(', ')})` : `execute ${name}`;
    return {
      text: [...lead, setup, 'set local plan_cache_mode = force_generic_plan', execute].join(';\n'),
      prepares: prepares || lead.length > 0,
    };
  }

  /**
   * After a failed read: whether sending it once more can succeed. Forgets what this
   * connection holds either way, unless the failure says exactly what it holds.
   */
  recover(error: unknown, shape: string, message: ReadMessage): 'retry' | 'inline' | 'fail' {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === DUPLICATE_STATEMENT) return 'retry'; // the same statement is there already
    this.forget();
    if (code === UNKNOWN_STATEMENT) return 'retry';
    if (code === INDETERMINATE_TYPE && message.prepares) {
      if (this.inlineOnly.size < this.capacity) this.inlineOnly.add(shape);
      return 'inline';
    }
    return 'fail';
  }

  /** The answer did not have the expected results: trust nothing prepared so far. */
  forget(): void {
    this.names.clear();
    this.evicted.length = 0;
    this.forgetAll = true;
  }

  private remember(shape: string, name: string): void {
    this.names.set(shape, name);
    if (this.names.size <= this.capacity) return;
    const [oldest] = this.names;
    if (!oldest) return;
    this.names.delete(oldest[0]);
    this.evicted.push(oldest[1]);
  }
}

function statementName(shape: string): string {
  return `tk_read_${createHash('sha256').update(shape).digest('hex').slice(0, 32)}`;
}
