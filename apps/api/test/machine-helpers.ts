/**
 * Helpers for tests of machine credentials: creating keys and clients through the API,
 * requesting tokens, and forging JWTs with a tenant's real signing key (read from Postgres and
 * decrypted with the fixture's key ring), so each forged token fails only for the claim it
 * changes.
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TenantRecord } from '@tenantkit/db';
import { decryptSecret, signingKeyAad } from '@tenantkit/identity';
import { type ApiClient, type ApiFixture, apiClient, json } from './helpers.ts';

export interface CreatedApiKeyJson {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedClientJson {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export async function createApiKey(
  client: ApiClient,
  body: { name?: string; scopes: string[]; expiresAt?: string },
): Promise<CreatedApiKeyJson> {
  return json(await client.post('/v1/api-keys', { name: 'test key', ...body }), 201);
}

export async function createServiceClient(
  client: ApiClient,
  scopes: string[],
): Promise<CreatedClientJson> {
  return json(await client.post('/v1/service-clients', { name: 'test client', scopes }), 201);
}

/** An API client that sends `Authorization: Bearer <credential>` and no cookie. */
export function bearerClient(app: OpenAPIHono, host: string, credential: string): ApiClient {
  const plain = apiClient(app, host);
  const auth = { authorization: `Bearer ${credential}` };
  const request: ApiClient['request'] = (method, path, options = {}) =>
    plain.request(method, path, { ...options, headers: { ...auth, ...options.headers } });
  return {
    host,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, body }),
    delete: (path, options) => request('DELETE', path, options),
  };
}

export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** `basic` (default) or `post` (client_secret_post). */
  via?: 'basic' | 'post';
  grantType?: string;
}

export function requestToken(app: OpenAPIHono, host: string, req: TokenRequest) {
  const form = new URLSearchParams({ grant_type: req.grantType ?? 'client_credentials' });
  if (req.scope !== undefined) form.set('scope', req.scope);
  const headers: Record<string, string> = {
    host,
    'content-type': 'application/x-www-form-urlencoded',
  };
  if ((req.via ?? 'basic') === 'basic') {
    const pair = `${encodeURIComponent(req.clientId)}:${encodeURIComponent(req.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', req.clientId);
    form.set('client_secret', req.clientSecret);
  }
  return app.request('/oauth/token', { method: 'POST', headers, body: form.toString() });
}

export async function accessToken(app: OpenAPIHono, host: string, req: TokenRequest) {
  const body = await json<{ access_token: string }>(await requestToken(app, host, req), 200);
  return body.access_token;
}

export const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
export const decodePart = (token: string, index: 0 | 1) =>
  JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** The tenant's newest signing key with its private half, as an attacker with it would hold. */
export async function stealSigningKey(
  fx: ApiFixture,
  tenant: TenantRecord,
): Promise<{ kid: string; privateJwk: Record<string, unknown> }> {
  const [row] = await fx.testDb.admin.sql<{ kid: string; private_jwk: string }[]>`
    select kid, private_jwk from signing_keys where tenant_id = ${tenant.id}
    order by activates_at desc limit 1`;
  if (!row) throw new Error('tenant has no signing key yet');
  const plain = decryptSecret(fx.deps.keyRing, row.private_jwk, signingKeyAad(tenant.id, row.kid));
  return { kid: row.kid, privateJwk: JSON.parse(Buffer.from(plain).toString('utf8')) };
}

/** Signs any header and payload with an ES256 private JWK (raw r||s signature, as JWS wants). */
export function forgeEs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateJwk: Record<string, unknown>,
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const key = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}
