import { createHash } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { HttpProblem, RateLimiter, type RateLimitPolicy, rateLimitHeaders } from '@tenantkit/http';
import { issueClientCredentialsToken, OAuthError } from '@tenantkit/identity';
import type { Context } from 'hono';
import { identityContext } from '../../auth/identity-context.ts';
import { tenantIssuer } from '../../auth/issuer.ts';
import type { ApiDeps } from '../../deps.ts';
import { clientAddress } from '../../middleware/client-address.ts';
import { clientCredentials, parseTokenForm } from './client-authentication.ts';

const PER_IP: RateLimitPolicy = { limit: 120, windowSeconds: 60, burst: 60 };
/**
 * Failed authentications per (tenant, client id). Only failures spend it, so a busy client
 * with the right secret is never throttled by its own traffic; while it is exhausted every
 * attempt is refused, the right secret included, so guessing cannot continue at full speed.
 */
const PER_CLIENT_FAILURES: RateLimitPolicy = { limit: 10, windowSeconds: 60, burst: 10 };
const MAX_CLIENT_ID_LENGTH = 100;

/**
 * `POST /oauth/token`: the OAuth2 client-credentials grant (RFC 6749 §4.4) for this tenant.
 *
 * Errors are RFC 6749 §5.2 JSON (`{ "error": "invalid_client", ... }`), not problem+json:
 * OAuth client libraries read that shape and no other. Rate limiting (429) and outages (503)
 * keep the platform's problem+json, since OAuth defines no error for them.
 */
export function registerTokenRoute(app: OpenAPIHono, deps: ApiDeps): void {
  const limiter = new RateLimiter({
    redis: deps.redis,
    prefix: `${deps.keyPrefix}rl:`,
    timeoutMs: 1_000,
  });

  const limit = async (name: string, key: string, policy: RateLimitPolicy, peek = false) => {
    const check = peek ? limiter.peek(key, policy) : limiter.limit(key, policy);
    const result = await check.catch(() => {
      throw new HttpProblem({ status: 503, slug: 'unavailable', headers: { 'Retry-After': '5' } });
    });
    if (!result.allowed) {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        detail: 'Too many token requests. Try again later.',
        headers: {
          'Retry-After': String(result.retryAfterSeconds),
          ...rateLimitHeaders(name, policy, result),
        },
      });
    }
  };

  app.post('/token', async (c) => {
    try {
      const form = parseTokenForm(c.req.header('content-type'), await c.req.text());
      const credentials = clientCredentials(c.req.header('authorization'), form);
      if (credentials.clientId.length > MAX_CLIENT_ID_LENGTH) {
        throw new OAuthError('invalid_client', 'Client authentication failed.');
      }
      const tenant = c.get('tenant');
      await limit('oauth-ip', `oauth-ip:${clientAddress(c) ?? 'unknown'}`, PER_IP);
      const clientHash = createHash('sha256').update(credentials.clientId).digest('base64url');
      const clientKey = `oauth-client:${tenant.id}:${clientHash}`;
      await limit('oauth-client', clientKey, PER_CLIENT_FAILURES, true);
      const grantType = form.get('grant_type');
      if (grantType === null) throw new OAuthError('invalid_request', 'grant_type is required.');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'Only client_credentials is supported.');
      }
      const issued = await issueClientCredentialsToken({
        ctx: { ...identityContext(c, deps), keyRing: deps.keyRing },
        input: {
          ...credentials,
          scope: form.get('scope') ?? undefined,
          issuer: tenantIssuer(c, deps),
        },
      }).catch(async (err: unknown) => {
        if (err instanceof OAuthError && err.code === 'invalid_client') {
          await limiter.limit(clientKey, PER_CLIENT_FAILURES).catch(() => {});
        }
        throw err;
      });
      return c.json(
        {
          access_token: issued.accessToken,
          token_type: issued.tokenType,
          expires_in: issued.expiresIn,
          scope: issued.scope,
        },
        200,
        { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      );
    } catch (err) {
      if (err instanceof OAuthError) return oauthError(c, err);
      throw err;
    }
  });
}

function oauthError(c: Context, err: OAuthError): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  if (err.status === 401) headers['WWW-Authenticate'] = 'Basic realm="tenantkit"';
  return c.json({ error: err.code, error_description: err.description }, err.status, headers);
}
