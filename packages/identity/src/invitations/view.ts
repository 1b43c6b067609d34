import type { schema } from '@tenantkit/db';

export interface InvitationView {
  id: string;
  email: string;
  roleKeys: string[];
  invitedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
}

/** Never the token hash: it is only ever compared, not shown. */
export function toInvitationView(row: typeof schema.invitations.$inferSelect): InvitationView {
  return {
    id: row.id,
    email: row.email,
    roleKeys: row.roleKeys,
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  };
}
