import { createHmac } from 'node:crypto';
import { withTenant } from '@tenantkit/db';
import { createMember } from '@tenantkit/identity';
import { type ApiFixture, json, type TestTenant } from './helpers.ts';

/**
 * RFC 6238 written out here with node:crypto, independently of the code under test, so a test
 * passes only if the server agrees with the standard rather than with itself.
 */
export function totpAt(secretBase32: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

export const currentStep = () => Math.floor(Date.now() / 30_000);

/**
 * Hands out codes for one secret in increasing steps, as an authenticator used over time
 * would: the server refuses any step at or before the last one it accepted. Starts one step
 * back (the server accepts one step of drift either way), so three fresh codes fit in any
 * 30-second window.
 */
export function authenticator(secret: string) {
  let last = currentStep() - 2;
  return {
    secret,
    next(): string {
      last = Math.max(last + 1, currentStep() - 1);
      if (last > currentStep() + 1) throw new Error('test used too many codes in one window');
      return totpAt(secret, last);
    },
  };
}

/** The value of a cookie set by a response, or undefined. */
export function setCookie(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    if (line.startsWith(`${name}=`)) return line.slice(name.length + 1).split(';')[0];
  }
  return undefined;
}

/**
 * A browser on one tenant host: a cookie jar fed by Set-Cookie, and the Origin of the
 * tenant's own pages on every request.
 */
export function browser(tenant: TestTenant, app: ApiFixture['app']) {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, body?: unknown, asForm = false) => {
    const headers: Record<string, string> = {
      host: tenant.host,
      origin: `http://${tenant.host}`,
    };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (asForm) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body as Record<string, string>).toString();
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await app.request(path, { method, headers, body: payload });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  return {
    jar,
    get: (path: string) => request('GET', path),
    post: (path: string, body?: unknown) => request('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => request('PATCH', path, body),
    /** Submits an HTML form (urlencoded), as the server-rendered pages do. */
    submit: (path: string, fields: Record<string, string>) => request('POST', path, fields, true),
  };
}
export type Browser = ReturnType<typeof browser>;

let counter = 0;

/** A new member with a password, bound to `roleKeys`. */
export async function memberWithPassword(
  fx: ApiFixture,
  tenant: TestTenant,
  password: string,
  roleKeys: string[] = ['member'],
  email = `mfa${++counter}@${tenant.record.slug}.test`,
): Promise<{ email: string; userId: string }> {
  const { user } = await withTenant(fx.testDb.app, tenant.record.id, (tx) =>
    createMember(tx, tenant.record, { actorType: 'system' }, { email, password, roleKeys }),
  );
  return { email, userId: user.id };
}

/** Signs in with the password (no MFA yet), enrols TOTP, and returns the authenticator. */
export async function enrol(b: Browser) {
  const setup = await json<{ secret: string; uri: string }>(await b.post('/auth/mfa/totp'), 200);
  const app = authenticator(setup.secret);
  const { recoveryCodes } = await json<{ recoveryCodes: string[] }>(
    await b.post('/auth/mfa/totp/confirm', { code: app.next() }),
    200,
  );
  return { app, setup, recoveryCodes };
}

/** Audit actions of a tenant, oldest first, read as the admin (both partition parents). */
export async function auditTrail(fx: ApiFixture, tenant: TestTenant) {
  const sql = fx.testDb.admin.sql;
  return sql<{ action: string; target_id: string | null; data: Record<string, unknown> }[]>`
    select action, target_id, data, seq from audit_events_pooled where tenant_id = ${tenant.record.id}
    union all
    select action, target_id, data, seq from audit_events_dedicated where tenant_id = ${tenant.record.id}
    order by seq`;
}
