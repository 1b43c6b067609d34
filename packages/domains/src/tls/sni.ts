import type { SecureContext } from 'node:tls';
import { normalizeHost } from '@tenantkit/tenancy';
import type { CertificateStore } from './certificate-store.ts';

export type SniCallback = (
  servername: string,
  callback: (error: Error | null, context?: SecureContext) => void,
) => void;

/**
 * `SNICallback` for node:https: platform hostnames (and clients that send no usable SNI) get
 * the platform certificate; a custom hostname gets its own from the store, or the platform
 * certificate when it has none (the handshake then fails name verification on the client,
 * which is the honest answer for a hostname we do not serve).
 */
export function sniCallback({
  store,
  platformDomain,
  platformContext,
  onError,
}: {
  store: CertificateStore;
  platformDomain: string;
  platformContext: SecureContext;
  onError?: (error: unknown, servername: string) => void;
}): SniCallback {
  return function selectCertificate(servername, callback) {
    const host = normalizeHost(servername);
    if (!host || host === platformDomain || host.endsWith(`.${platformDomain}`)) {
      callback(null, platformContext);
      return;
    }
    store.contextFor(host).then(
      (context) => callback(null, context ?? platformContext),
      (error: unknown) => {
        onError?.(error, host);
        callback(null, platformContext);
      },
    );
  };
}
