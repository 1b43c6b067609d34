import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startProcess, waitUntil } from './processes.ts';

export interface TestPebble {
  directoryUrl: string;
  /** The self-signed certificate of Pebble's own HTTPS listener: trust it for the directory. */
  listenerCaPem: string;
  /** The root that signs issued certificates (from the management endpoint). */
  issuerRootPem(): Promise<string>;
  /** Pebble's log so far (orders, validations). */
  output(): string;
  close(): Promise<void>;
}

/** Minimal HTTPS GET that trusts exactly `ca`. */
function getText(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Debian's Pebble (the ACME test CA) on loopback. It validates HTTP-01 by connecting to
 * `httpPort` of whatever `dnsServer` answers for the hostname, so point both at the system
 * under test. Debian ships no certificate for Pebble's own listener; one is made per start.
 */
export async function startPebble({
  httpPort,
  dnsServer,
}: {
  httpPort: number;
  dnsServer: string;
}): Promise<TestPebble> {
  const binary = findBinary(['/usr/bin/pebble'], 'pebble');
  const openssl = findBinary(['/usr/bin/openssl'], 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'tk-pebble-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    openssl,
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
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const [port, managementPort] = [await freePort(), await freePort()];
  const config = join(dir, 'pebble-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: cert,
        privateKey: key,
        httpPort,
        tlsPort: await freePort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const listenerCaPem = readFileSync(cert, 'utf8');
  const server = startProcess(binary, ['-config', config, '-dnsserver', dnsServer], {
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: '0',
    PEBBLE_AUTHZREUSE: '0',
  });
  const directoryUrl = `https://127.0.0.1:${port}/dir`;
  try {
    await waitUntil(
      'pebble',
      async () => (await getText(directoryUrl, listenerCaPem)).status === 200,
      server,
    );
  } catch (error) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    directoryUrl,
    listenerCaPem,
    issuerRootPem: async () =>
      (await getText(`https://127.0.0.1:${managementPort}/roots/0`, listenerCaPem)).body,
    output: server.output,
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
