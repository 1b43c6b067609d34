/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { MfaStatus, TotpSetup } from '@tenantkit/identity';

export interface SecurityView {
  mfa: MfaStatus;
  /** A just-started enrolment: the secret is shown as text (no QR image, no script). */
  enrolment?: TotpSetup;
  /** Shown once, right after enabling MFA or regenerating them. */
  recoveryCodes?: string[];
  notice?: string;
  error?: string;
}

/** Two-factor authentication and password forms of the account page: plain HTML forms. */
export function SecuritySection({ mfa, enrolment, recoveryCodes, notice, error }: SecurityView) {
  return (
    <section aria-labelledby="security-heading">
      <h2 id="security-heading">Security</h2>
      {error ? (
        <p class="error" role="alert" data-testid="security-error">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p class="notice" role="status" data-testid="security-notice">
          {notice}
        </p>
      ) : null}
      {mfa.requiredByTenant && !mfa.enabled ? (
        <p class="error" role="alert" data-testid="mfa-required-notice">
          This workspace requires two-factor authentication. Set it up below to continue.
        </p>
      ) : null}
      <h3>Two-factor authentication</h3>
      {recoveryCodes ? <RecoveryCodes codes={recoveryCodes} /> : null}
      {mfa.enabled ? (
        <MfaEnabled mfa={mfa} />
      ) : enrolment ? (
        <Enrolment enrolment={enrolment} />
      ) : (
        <>
          <p data-testid="mfa-status">Off. Use an authenticator app for a second sign-in step.</p>
          <form method="post" action="/account/mfa/start">
            <button type="submit">Set up authenticator app</button>
          </form>
        </>
      )}
      <h3>Change password</h3>
      <form method="post" action="/account/password">
        <label for="current-password">Current password</label>
        <input
          id="current-password"
          name="currentPassword"
          type="password"
          autocomplete="current-password"
          required
        />
        <label for="new-password">New password</label>
        <input
          id="new-password"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          minlength={12}
          required
          aria-describedby="new-password-hint"
        />
        <p id="new-password-hint" class="hint">
          At least 12 characters. Your other sessions will be signed out.
        </p>
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}

function Enrolment({ enrolment }: { enrolment: TotpSetup }) {
  return (
    <div data-testid="mfa-enrolment">
      <p>Add this account to your authenticator app, then enter the 6-digit code it shows.</p>
      <p>
        Secret key: <code data-testid="totp-secret">{enrolment.secret}</code>
      </p>
      <p>
        Setup link: <code data-testid="totp-uri">{enrolment.uri}</code>
      </p>
      <form method="post" action="/account/mfa/confirm">
        <label for="totp-code">Code from the app</label>
        <input
          id="totp-code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength={6}
          required
        />
        <button type="submit">Turn on two-factor authentication</button>
      </form>
    </div>
  );
}

function MfaEnabled({ mfa }: { mfa: MfaStatus }) {
  return (
    <>
      <p data-testid="mfa-status">
        On since {mfa.enabledAt?.toISOString().slice(0, 10)}. Recovery codes left:{' '}
        {mfa.recoveryCodesRemaining}.
      </p>
      <form method="post" action="/account/mfa/recovery-codes">
        <label for="recovery-password">Password (to create new recovery codes)</label>
        <input
          id="recovery-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Create new recovery codes</button>
      </form>
      <form method="post" action="/account/mfa/disable">
        <label for="disable-password">Password (to turn two-factor authentication off)</label>
        <input
          id="disable-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Turn off two-factor authentication</button>
      </form>
    </>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section aria-labelledby="recovery-heading">
      <h4 id="recovery-heading">Your recovery codes</h4>
      <p>
        Each code signs you in once if you lose your authenticator. Store them somewhere safe: they
        are not shown again.
      </p>
      <ul data-testid="recovery-codes">
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
