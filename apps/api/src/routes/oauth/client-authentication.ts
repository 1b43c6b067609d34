import { OAuthError } from '@tenantkit/identity';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Reads the client's credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded,
 * then base64) or from the body (`client_secret_post`). Using both at once is refused, as the
 * RFC requires ("MUST NOT use more than one authentication method in each request").
 */
export function clientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): ClientCredentials {
  const bodyId = form.get('client_id') ?? undefined;
  const bodySecret = form.get('client_secret') ?? undefined;
  if (authorization !== undefined && /^basic(?: |$)/i.test(authorization)) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
    }
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Basic credentials.');
    }
    return basic;
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      'Authenticate the client with HTTP Basic or client_id and client_secret.',
    );
  }
  return { clientId: bodyId, clientSecret: bodySecret };
}

function parseBasic(header: string): ClientCredentials {
  const encoded = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header)?.[1];
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials.');
  try {
    return {
      clientId: decodeFormComponent(decoded.slice(0, colon)),
      clientSecret: decodeFormComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw new OAuthError('invalid_client', 'Malformed Basic credentials.');
  }
}

/** application/x-www-form-urlencoded decoding: `+` is a space. Throws on bad escapes. */
const decodeFormComponent = (value: string) => decodeURIComponent(value.replaceAll('+', ' '));

/**
 * Parses the token request body. RFC 6749 §3.2: form-encoded only, and a parameter must not
 * repeat; an empty value counts as absent.
 */
export function parseTokenForm(contentType: string | undefined, body: string): URLSearchParams {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
  }
  const parsed = new URLSearchParams(body);
  const form = new URLSearchParams();
  for (const [name, value] of parsed) {
    if (value === '') continue;
    if (form.has(name)) throw new OAuthError('invalid_request', `${name} appears more than once.`);
    form.set(name, value);
  }
  return form;
}
