import type { Logger } from 'pino';

/**
 * Variables this package puts on the Hono context. Declared globally so every app and route
 * sees them typed without threading an `Env` generic through each handler.
 *
 * `tenantId` is deliberately not declared here: it belongs to the tenancy package, and a second
 * declaration with a different type would be a compile error for anyone importing both.
 */
export interface HttpVariables {
  /** Set by `requestId()`: the accepted inbound id or a freshly generated one. */
  requestId: string;
  /** Set by `requestLogger()`: a pino child bound to this request's id. */
  logger: Logger;
}

declare module 'hono' {
  interface ContextVariableMap extends HttpVariables {}
}
