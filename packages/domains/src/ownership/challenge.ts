import type { Resolver } from 'node:dns/promises';

/** The label under which a tenant publishes its proof: `_tenantkit-challenge.<domain>`. */
export const CHALLENGE_LABEL = '_tenantkit-challenge';
const VALUE_PREFIX = 'tenantkit-verification=';

export const challengeRecordName = (domain: string): string => `${CHALLENGE_LABEL}.${domain}`;
export const challengeRecordValue = (token: string): string => `${VALUE_PREFIX}${token}`;

/** The part of `node:dns/promises` Resolver the check uses (a real resolver in tests too). */
export type TxtResolver = Pick<Resolver, 'resolveTxt'>;

export type OwnershipCheck =
  | { verified: true }
  | {
      verified: false;
      /** `no-record`: nothing published yet; `wrong-token`: a record, but not this tenant's. */
      reason: 'no-record' | 'wrong-token' | 'dns-error';
      detail: string;
    };

/** DNS answers that mean "no such record", as opposed to a resolver that failed. */
const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/**
 * Checks that `_tenantkit-challenge.<domain>` carries this tenant's token. Other TXT records
 * at the name are ignored, so a domain can be proven by several tenants' platforms at once;
 * a record carrying another token is reported as `wrong-token` (the customer copied the wrong
 * instructions), which is never a proof.
 */
export async function checkDomainOwnership({
  domain,
  token,
  resolver,
}: {
  domain: string;
  token: string;
  resolver: TxtResolver;
}): Promise<OwnershipCheck> {
  const name = challengeRecordName(domain);
  let records: string[][];
  try {
    records = await resolver.resolveTxt(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (NOT_FOUND.has(code)) {
      return { verified: false, reason: 'no-record', detail: `no TXT record at ${name}` };
    }
    return { verified: false, reason: 'dns-error', detail: `looking up ${name} failed: ${code}` };
  }
  // A TXT record longer than 255 bytes arrives in chunks that belong together.
  const values = records.map((chunks) => chunks.join(''));
  const ours = values.filter((v) => v.startsWith(VALUE_PREFIX));
  if (ours.length === 0) {
    return {
      verified: false,
      reason: 'no-record',
      detail: `no tenantkit-verification record at ${name}`,
    };
  }
  if (ours.includes(challengeRecordValue(token))) return { verified: true };
  return {
    verified: false,
    reason: 'wrong-token',
    detail: `the TXT record at ${name} carries a different token`,
  };
}
