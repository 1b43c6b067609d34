import { publishTenantChange } from '@tenantkit/tenancy';
import type { DomainsDeps } from '../deps.ts';
import { type DomainEvent, publishDomainEvents } from './transition.ts';

export const certificateChannel = (prefix: string) => `${prefix}domains:certificate-changed`;

/**
 * After a committed change: tells listeners about the events, and when a domain started or
 * stopped being served (or its certificate changed), every API instance drops its host ->
 * tenant answer and its TLS context for the hostname.
 */
export async function announce(
  deps: Pick<DomainsDeps, 'redis' | 'keyPrefix'>,
  tenantId: string,
  hostname: string,
  events: readonly DomainEvent[],
  { certificateChanged = false }: { certificateChanged?: boolean } = {},
): Promise<void> {
  await publishDomainEvents(deps.redis, deps.keyPrefix, events);
  const servingChanged = events.some(
    (e) => e.machine === 'domain' && (e.to === 'active' || e.from === 'active'),
  );
  if (servingChanged) {
    await publishTenantChange(deps.redis, deps.keyPrefix, { tenantId, hosts: [hostname] });
  }
  if (servingChanged || certificateChanged) {
    await deps.redis.publish(certificateChannel(deps.keyPrefix), hostname);
  }
}
