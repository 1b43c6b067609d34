import type { Accountable, Permission } from '@tenantkit/identity';

/** A member signed in with the session cookie. */
export interface SessionPrincipal {
  type: 'user';
  id: string;
  /** How the credential came: cookies need CSRF protection, bearer credentials do not. */
  via: 'session';
  sessionId: string;
  permissions: ReadonlySet<Permission>;
}

/**
 * A machine credential from `Authorization: Bearer`: a service client's access token, or an
 * API key. `permissions` are its scopes (capped, for API keys, by the creator's permissions).
 */
export interface BearerPrincipal {
  type: 'client' | 'api_key';
  /** The client id, or the API key id. */
  id: string;
  via: 'bearer';
  /** Who answers for credentials it creates: the key's creator, or the client itself. */
  accountable: Accountable;
  permissions: ReadonlySet<Permission>;
}

/** Who is calling, established by `authenticate` for this request's tenant only. */
export type Principal = SessionPrincipal | BearerPrincipal;

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal | undefined;
  }
}
