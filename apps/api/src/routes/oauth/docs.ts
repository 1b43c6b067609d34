import { type OpenAPIHono, z } from '@hono/zod-openapi';

const TokenRequest = z
  .object({
    grant_type: z.literal('client_credentials'),
    scope: z.string().optional().openapi({ example: 'projects:read' }),
    client_id: z.string().optional().openapi({ description: 'client_secret_post only' }),
    client_secret: z.string().optional().openapi({ description: 'client_secret_post only' }),
  })
  .openapi('TokenRequest');

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ example: 600 }),
    scope: z.string(),
  })
  .openapi('TokenResponse');

const OAuthErrorBody = z
  .object({ error: z.string(), error_description: z.string().optional() })
  .openapi('OAuthError');

const Jwks = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal('ES256'),
        use: z.literal('sig'),
      }),
    ),
  })
  .openapi('Jwks');

/**
 * Documents the OAuth endpoints in /openapi.json. They are plain handlers (the token endpoint
 * must answer RFC 6749 errors, not the validation hook's problem+json), so only described here.
 */
export function documentOAuthRoutes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A service-client access token (ES256 JWT) or an API key (tk_live_...)',
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/oauth/token',
    tags: ['oauth'],
    summary: 'OAuth2 client-credentials grant: a 10-minute access token for this tenant',
    description:
      'Client authentication by HTTP Basic or client_secret_post. Errors follow RFC 6749 §5.2.',
    request: {
      body: {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema: TokenRequest } },
      },
    },
    responses: {
      200: { description: 'Issued', content: { 'application/json': { schema: TokenResponse } } },
      400: {
        description: 'RFC 6749 error',
        content: { 'application/json': { schema: OAuthErrorBody } },
      },
      401: {
        description: 'invalid_client',
        content: { 'application/json': { schema: OAuthErrorBody } },
      },
      429: { description: 'Too many attempts (problem+json, with Retry-After)' },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/.well-known/jwks.json',
    tags: ['oauth'],
    summary: "This tenant's public keys for verifying its access tokens",
    responses: {
      200: { description: 'JWK set', content: { 'application/json': { schema: Jwks } } },
    },
  });
}
