import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { createTenant, uuidv7 } from '@tenantkit/db';
import { CertificateStore, type SecretCipher, sniCallback } from '@tenantkit/domains';
import { decryptSecret, encryptSecret, parseKeyRing } from '@tenantkit/identity';
import { Redis } from 'ioredis';
import { COMMON_USAGE, parseOptions } from '../lib/options.ts';
import { formatTable, printJsonLines } from '../lib/report.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { selfSigned } from './certificates.ts';
import { countHandshakes } from './handshakes.ts';

const USAGE = `pnpm bench tls [options]

Full TLS handshakes per second on the api's HTTPS listener set-up: the SNI callback picking
each custom domain's certificate from the certificate store (Postgres + LRU, as served), vs a
server with one static certificate, in the same run, alternating rounds.

${COMMON_USAGE}
  --hosts N        custom domains with certificates, cycled through by the clients (default 100)
  --rounds N       measured rounds per variant, alternating (default 3)`;

const PLATFORM = 'tenantkit.localhost';

export async function runTlsBench(argv: string[]): Promise<void> {
  const { common, extra } = parseOptions(
    argv,
    { hosts: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } },
    USAGE,
  );
  const hostCount = common.quick ? 20 : Number(extra.hosts);
  const rounds = Number(extra.rounds);
  const connections = Math.min(common.connections, 16);
  const scratch = await createScratchDatabase('tk_bench_tls');
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const ring = parseKeyRing(`b:${randomBytes(32).toString('base64')}`);
  const secrets: SecretCipher = {
    encrypt: (p, aad) => encryptSecret(ring, p, aad),
    decrypt: (b, aad) => Buffer.from(decryptSecret(ring, b, aad)).toString('utf8'),
  };
  const servers: Server[] = [];
  const store = new CertificateStore({
    db: scratch.app,
    redis,
    keyPrefix: `bench:tls:${randomBytes(4).toString('hex')}:`,
    secrets,
  });
  try {
    console.error(`==> creating ${hostCount} custom domains with certificates`);
    const hostnames = await seedDomains(scratch.admin.sql, secrets, hostCount);
    const platform = selfSigned(`*.${PLATFORM}`);
    const staticCert = selfSigned('static.bench.test');
    await store.start();

    const sniServer = createServer({
      ...platform,
      SNICallback: sniCallback({
        store,
        platformDomain: PLATFORM,
        platformContext: createSecureContext(platform),
      }),
    });
    const staticServer = createServer(staticCert);
    for (const s of [sniServer, staticServer]) {
      servers.push(s);
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    }
    const portOf = (s: Server) => (s.address() as AddressInfo).port;
    const variants = [
      { name: 'static certificate', port: portOf(staticServer), names: ['static.bench.test'] },
      { name: 'SNI from the store', port: portOf(sniServer), names: hostnames },
    ];
    // Warm-up: every host's context is loaded once (the steady state of a serving instance).
    for (const v of variants) {
      await countHandshakes({
        port: v.port,
        servernames: v.names,
        durationMs: common.warmup * 1000,
        connections,
      });
    }
    const results = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    let failures = 0;
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const r = await countHandshakes({
          port: v.port,
          servernames: v.names,
          durationMs: common.duration * 1000,
          connections,
        });
        failures += r.failed;
        results.get(v.name)?.push(r.completed / r.seconds);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const staticRate = median(results.get('static certificate') ?? []);
    const sniRate = median(results.get('SNI from the store') ?? []);
    const ratio = staticRate > 0 ? sniRate / staticRate : 0;
    console.log(
      formatTable(
        ['variant', 'handshakes/s (median)', 'rounds', 'hostnames'],
        variants.map((v) => [
          v.name,
          median(results.get(v.name) ?? []),
          (results.get(v.name) ?? []).map((x) => Math.round(x)).join(' / '),
          v.names.length,
        ]),
      ),
    );
    console.log(
      `\nratio SNI/static: ${ratio.toFixed(3)} (target >= 0.9); failed handshakes: ${failures}; ` +
        `${connections} connections, ${common.duration}s x ${rounds} rounds per variant`,
    );
    printJsonLines([
      ...variants.map((v) => ({
        bench: 'tls',
        variant: v.name,
        handshakesPerSecond: Math.round(median(results.get(v.name) ?? [])),
        rounds: (results.get(v.name) ?? []).map((x) => Math.round(x)),
        hostnames: v.names.length,
        connections,
      })),
      { bench: 'tls', ratio: Number(ratio.toFixed(3)), target: 0.9, pass: ratio >= 0.9, failures },
    ]);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await store.close();
    await redis.quit().catch(() => {});
    await scratch.finish({ keep: common.keep });
  }
}

/** Active custom domains with an issued certificate each, written as the issuer writes them. */
async function seedDomains(
  sql: import('postgres').Sql,
  secrets: SecretCipher,
  count: number,
): Promise<string[]> {
  const { tenant } = await createTenant({
    admin: sql,
    input: { slug: 'tls-bench', name: 'TLS bench', tier: 'pooled', platformDomain: PLATFORM },
  });
  const hostnames: string[] = [];
  for (let i = 0; i < count; i++) {
    const hostname = `h${i}.bench.test`;
    const { cert, key } = selfSigned(hostname);
    const id = uuidv7();
    const aad = `tenant:${tenant.id}:domain-cert:${hostname}:${id}`;
    await sql`insert into tenant_domains (tenant_id, hostname, kind, status, cert_status)
      values (${tenant.id}, ${hostname}, 'custom', 'active', 'issued')`;
    await sql`insert into domain_certificates
      (tenant_id, id, hostname, serial, not_before, not_after, certificate_pem, private_key_encrypted)
      values (${tenant.id}, ${id}, ${hostname}, ${String(i)}, now() - interval '1 hour',
        now() + interval '1 day', ${cert}, ${secrets.encrypt(key, aad)})`;
    hostnames.push(hostname);
  }
  return hostnames;
}
