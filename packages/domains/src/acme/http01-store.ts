import type { Redis } from 'ioredis';

/** ACME tokens are base64url (RFC 8555 8.1); anything else is never looked up. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const key = (prefix: string, token: string) => `${prefix}acme:http01:${token}`;

/**
 * HTTP-01 answers live in Redis, so whichever API instance the CA's validation request reaches
 * can answer it, and they vanish on their own if the issuer dies before cleaning up.
 */
export async function publishHttp01Answer(
  redis: Redis,
  keyPrefix: string,
  token: string,
  keyAuthorization: string,
  ttlSeconds = 900,
): Promise<void> {
  if (!TOKEN.test(token)) throw new Error('ACME token is not base64url');
  await redis.set(key(keyPrefix, token), keyAuthorization, 'EX', ttlSeconds);
}

export async function withdrawHttp01Answer(
  redis: Redis,
  keyPrefix: string,
  token: string,
): Promise<void> {
  if (TOKEN.test(token)) await redis.del(key(keyPrefix, token));
}

/** The key authorization for `token`, or null (unknown or malformed token). */
export async function readHttp01Answer(
  redis: Redis,
  keyPrefix: string,
  token: string,
): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  return redis.get(key(keyPrefix, token));
}
