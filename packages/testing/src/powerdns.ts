import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startProcess, waitUntil } from './processes.ts';

export interface TestPowerDns {
  /** `127.0.0.1:<port>`: the authoritative DNS server, for `createDnsResolver([dnsServer])`. */
  dnsServer: string;
  /** The HTTP API (`api=yes`) with `apiKey`, for `PowerDnsProvider`. */
  apiUrl: string;
  apiKey: string;
  close(): Promise<void>;
}

const SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

/**
 * A real PowerDNS Authoritative server (Debian's pdns-server with the gsqlite3 backend) on
 * loopback ports of its own, with a fresh SQLite database, so zones and records written
 * through its API are answered over DNS as a customer's DNS host would.
 */
export async function startPowerDns(): Promise<TestPowerDns> {
  const binary = findBinary(['/usr/sbin/pdns_server'], 'pdns-server');
  findBinary([SCHEMA], 'pdns-backend-sqlite3');
  const sqlite = findBinary(['/usr/bin/sqlite3'], 'sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'tk-pdns-'));
  const database = join(dir, 'pdns.sqlite3');
  execFileSync(sqlite, [database], { input: readFileSync(SCHEMA) });
  writeFileSync(join(dir, 'pdns.conf'), '');
  const [dnsPort, apiPort] = [await freePort(), await freePort()];
  const apiKey = randomBytes(16).toString('hex');
  const server = startProcess(binary, [
    `--config-dir=${dir}`,
    `--socket-dir=${dir}`,
    '--launch=gsqlite3',
    `--gsqlite3-database=${database}`,
    '--local-address=127.0.0.1',
    `--local-port=${dnsPort}`,
    '--api=yes',
    `--api-key=${apiKey}`,
    '--webserver=yes',
    '--webserver-address=127.0.0.1',
    `--webserver-port=${apiPort}`,
    '--webserver-allow-from=127.0.0.0/8',
    '--guardian=no',
    '--daemon=no',
    '--disable-syslog=yes',
    '--write-pid=no',
    '--cache-ttl=0',
    '--negquery-cache-ttl=0',
    '--query-cache-ttl=0',
    '--zone-cache-refresh-interval=0',
    '--loglevel=4',
  ]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  try {
    await waitUntil(
      'pdns_server',
      async () =>
        (await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers: { 'X-API-Key': apiKey } }))
          .ok,
      server,
    );
  } catch (error) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dnsServer: `127.0.0.1:${dnsPort}`,
    apiUrl,
    apiKey,
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
