/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Layout } from './layout.tsx';

export function LoginPage({
  workspace,
  error,
  email,
}: {
  workspace: string;
  error?: string;
  email?: string;
}) {
  return (
    <Layout title="Sign in" workspace={workspace}>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/login">
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={email ?? ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Sign in</button>{' '}
        {/* Home-realm discovery: the email's verified domain picks the SSO connection. */}
        <button
          type="submit"
          formaction="/auth/sso/start"
          formnovalidate
          aria-describedby="sso-note"
        >
          Continue with SSO
        </button>
      </form>
      <p id="sso-note">
        With single sign-on, enter your work email only; your company’s sign-in page opens.
      </p>
    </Layout>
  );
}

/** The second sign-in step, after a correct password on an account with MFA. */
export function MfaStepPage({ workspace, error }: { workspace: string; error?: string }) {
  return (
    <Layout title="Two-factor authentication" workspace={workspace}>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/login/mfa">
        <label for="code">Authentication code</label>
        <input
          id="code"
          name="code"
          autocomplete="one-time-code"
          required
          maxlength={32}
          aria-describedby="code-hint"
        />
        <p id="code-hint" class="hint">
          The 6-digit code from your authenticator app, or one of your recovery codes.
        </p>
        <button type="submit">Verify</button>
      </form>
      <p>
        <a href="/login">Start over</a>
      </p>
    </Layout>
  );
}
