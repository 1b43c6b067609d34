import type { IdentityContext } from '../accounts/index.ts';
import type { KeyRing } from '../crypto/index.ts';
import type { Permission } from '../rbac/index.ts';

/**
 * What machine-credential services need besides the stores: who acts with which permissions
 * *for this request* (a scoped credential's set, not its holder's), and who is accountable.
 */
export interface MachinesContext extends IdentityContext {
  permissions: ReadonlySet<Permission>;
  /**
   * Stored as `created_by`: the signed-in user, the creator of the API key in use, or the
   * service client in use. The audit event records the exact actor.
   */
  accountable: Accountable;
}

/** Who answers for what a credential does, and whose permissions cap an API key. */
export interface Accountable {
  type: 'user' | 'client';
  id: string;
}

/** Token issuance also decrypts the tenant's signing keys. */
export interface TokenIssuerContext extends IdentityContext {
  keyRing: KeyRing;
}

/** Identifies this deployment's tokens; a token minted for another audience is refused. */
export const ACCESS_TOKEN_AUDIENCE = 'tenantkit-api';

/** `t:{tenant}:...`: one hash slot per tenant, like the session keys. */
export const tenantKey = (prefix: string, tenantId: string, rest: string) =>
  `${prefix}t:{${tenantId}}:${rest}`;
