import type postgres from 'postgres';
import { PreparedReads } from './prepared-reads.ts';

interface Lane {
  sql: postgres.Sql;
  /** The statements tenantRead prepared on this lane's connection, when it prepares. */
  prepared?: PreparedReads;
  /** Reads sent on this lane and not yet answered (postgres.js pipelines them). */
  inflight: number;
}

/**
 * Single-connection pools for `tenantRead`, each tenant pinned to two of them: a read goes to
 * whichever of its tenant's two lanes has fewer reads in flight.
 *
 * Why: a dedicated tenant's rows are read from its own partition by name (ADR 0001), and a
 * backend's first read of a relation loads it into that backend's relation cache. On a plain
 * pool every backend ends up touching every tenant's partition: at 10,000 tenants, half of
 * them dedicated, `pnpm bench tenants` measured mostly such first touches and fell to 0.59x
 * the 10-tenant throughput. Pinned, each backend only ever sees about 2/n of the partitions,
 * which stay cached (docs/adr/0013). Two lanes rather than one, so a busy tenant still gets
 * two backends and one slow read does not queue its tenant behind it ("power of two choices":
 * the least loaded of two keeps the lanes balanced).
 */
export class ReadLanes {
  private readonly lanes: Lane[];

  /** `preparedPerLane`: statements tenantRead may keep prepared per lane (0: none). */
  constructor(create: () => postgres.Sql, count: number, preparedPerLane = 0) {
    if (!Number.isInteger(count) || count < 2) throw new RangeError('read lanes: at least 2');
    this.lanes = Array.from({ length: count }, () => ({
      sql: create(),
      inflight: 0,
      prepared: preparedPerLane > 0 ? new PreparedReads(preparedPerLane) : undefined,
    }));
  }

  /** The two lanes of a tenant (distinct), from the random tail of its UUID. */
  lanesOf(tenantId: string): [number, number] {
    const n = this.lanes.length;
    const bits = Number.parseInt(tenantId.slice(-8), 16) >>> 0;
    const first = bits % n;
    const second = (first + 1 + ((bits >>> 16) % (n - 1))) % n;
    return [first, second];
  }

  async run<T>(
    tenantId: string,
    query: (sql: postgres.Sql, prepared: PreparedReads | undefined) => Promise<T>,
  ): Promise<T> {
    const [a, b] = this.lanesOf(tenantId);
    const first = this.lanes[a] as Lane;
    const second = this.lanes[b] as Lane;
    const lane = second.inflight < first.inflight ? second : first;
    lane.inflight++;
    try {
      return await query(lane.sql, lane.prepared);
    } finally {
      lane.inflight--;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.sql.end({ timeout: 5 })));
  }
}
