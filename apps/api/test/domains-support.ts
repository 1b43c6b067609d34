import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';

/** A self-signed platform certificate for `*.<platformDomain>`, as TLS_CERT_FILE/KEY_FILE. */
export function platformCertificate(platformDomain: string): {
  certFile: string;
  keyFile: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tk-platform-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=*.${platformDomain}`,
      '-addext',
      `subjectAltName=DNS:*.${platformDomain},DNS:${platformDomain}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const randomKeyRing = () => `k1:${randomBytes(32).toString('base64')}`;

export interface HttpsAnswer {
  status: number;
  body: string;
  peer: PeerCertificate;
}

/**
 * One HTTPS request to 127.0.0.1:port with SNI `servername`, trusting exactly `ca` (the test
 * CA's root), so a wrong certificate fails the handshake instead of being accepted.
 */
export function httpsGet(
  port: number,
  servername: string,
  path: string,
  { ca, headers = {} }: { ca: string; headers?: Record<string, string> },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername,
        path,
        ca,
        agent: false,
        headers: { host: servername, ...headers },
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
