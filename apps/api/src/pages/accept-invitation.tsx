/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Layout } from './layout.tsx';

/** The invitation page: choose a name and password, or say why the link does not work. */
export function AcceptInvitationPage({
  workspace,
  token,
  email,
  name,
  error,
}: {
  workspace: string;
  token?: string;
  email?: string;
  name?: string;
  error?: string;
}) {
  if (!token || !email) {
    return (
      <Layout title="Invitation" workspace={workspace}>
        <p class="error" role="alert">
          {error ?? 'This invitation link is invalid, expired or already used.'}
        </p>
        <p>Ask an administrator of this workspace to invite you again.</p>
      </Layout>
    );
  }
  return (
    <Layout title="Join the workspace" workspace={workspace}>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p>
        You are invited as <strong>{email}</strong>. Choose your name and a password to join.
      </p>
      <form method="post" action="/invitations/accept">
        <input type="hidden" name="token" value={token} />
        <label for="name">Your name</label>
        <input
          id="name"
          name="name"
          type="text"
          autocomplete="name"
          maxlength={200}
          required
          value={name ?? ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={12}
          required
          aria-describedby="password-hint"
        />
        <p id="password-hint">At least 12 characters; a passphrase of a few words works well.</p>
        <button type="submit">Join {workspace}</button>
      </form>
    </Layout>
  );
}
