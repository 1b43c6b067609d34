import type { Permission } from '@tenantkit/identity';

/** Who is calling, established by `authenticate` for this request's tenant only. */
export interface Principal {
  type: 'user';
  id: string;
  /** How the credential came: cookies need CSRF protection, bearer credentials do not. */
  via: 'session';
  sessionId: string;
  permissions: ReadonlySet<Permission>;
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal | undefined;
  }
}
