/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { SessionSummary } from '@tenantkit/identity';
import { SecuritySection, type SecurityView } from './account-security.tsx';
import { Layout } from './layout.tsx';

export interface AccountView {
  workspace: string;
  email: string;
  permissions: string[];
  /** Role bindings; `idp` ones come from the member's SSO groups. */
  roles?: Array<{ key: string; source: string }>;
  currentSessionId: string;
  sessions: SessionSummary[];
  security?: SecurityView;
}

export function AccountPage({
  workspace,
  email,
  permissions,
  roles = [],
  currentSessionId,
  sessions,
  security,
}: AccountView) {
  return (
    <Layout title="Your account" workspace={workspace}>
      <p>
        Signed in as <strong data-testid="account-email">{email}</strong>.
      </p>
      <p>
        Permissions: <span data-testid="permissions">{permissions.join(', ') || 'none'}</span>
      </p>
      <p>
        Roles:{' '}
        <span data-testid="roles">
          {roles.map((r) => (r.source === 'idp' ? `${r.key} (from SSO)` : r.key)).join(', ') ||
            'none'}
        </span>
      </p>
      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Signed in</th>
            <th scope="col">Device</th>
            <th scope="col">Address</th>
            <th scope="col">
              <span class="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr data-session-id={s.id}>
              <td>{s.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</td>
              <td>{s.userAgent ?? 'unknown'}</td>
              <td>{s.ip ?? 'unknown'}</td>
              <td>
                {s.id === currentSessionId ? (
                  <em>This session</em>
                ) : (
                  <form method="post" action={`/account/sessions/${s.id}/revoke`}>
                    <button type="submit">Revoke</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {security ? <SecuritySection {...security} /> : null}
      <form method="post" action="/logout">
        <button type="submit">Sign out</button>
      </form>
    </Layout>
  );
}
