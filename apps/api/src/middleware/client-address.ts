import type { Context } from 'hono';

/** The direct peer's address; absent under `app.request()`, where there is no socket. */
export function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Audit metadata of the request: who is asking, from where, which request. */
export function auditActor(c: Context) {
  const principal = c.get('principal');
  return {
    actorType: principal?.type ?? ('anonymous' as const),
    actorId: principal?.id ?? null,
    ip: clientAddress(c) ?? null,
    userAgent: c.req.header('user-agent') ?? null,
    requestId: c.get('requestId') ?? null,
  };
}
