import type { RoutingTarget } from '../deps.ts';
import type { DomainRow } from '../lifecycle/states.ts';
import { challengeRecordName, challengeRecordValue } from '../ownership/challenge.ts';

/** What the API and operators see of a custom domain: both machines and what to publish. */
export interface DomainView {
  hostname: string;
  status: string;
  reason: string | null;
  nextAttemptAt: string | null;
  verifiedAt: string | null;
  certificate: {
    status: string;
    reason: string | null;
    nextAttemptAt: string | null;
  };
  /** The DNS records the customer publishes. */
  instructions: {
    ownership: { type: 'TXT'; name: string; value: string };
    routing: { type: 'CNAME'; name: string; value: string } | null;
    apexRouting: { type: 'A'; name: string; values: string[] } | null;
  };
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function domainView(row: DomainRow, token: string, routing: RoutingTarget): DomainView {
  return {
    hostname: row.hostname,
    status: row.status,
    reason: row.statusReason,
    nextAttemptAt: iso(row.nextAttemptAt),
    verifiedAt: iso(row.verifiedAt),
    certificate: {
      status: row.certStatus,
      reason: row.certReason,
      nextAttemptAt: iso(row.certNextAttemptAt),
    },
    instructions: {
      ownership: {
        type: 'TXT',
        name: challengeRecordName(row.hostname),
        value: challengeRecordValue(token),
      },
      routing: routing.cname ? { type: 'CNAME', name: row.hostname, value: routing.cname } : null,
      apexRouting:
        routing.addresses.length > 0
          ? { type: 'A', name: row.hostname, values: [...routing.addresses] }
          : null,
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
