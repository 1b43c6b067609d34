/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { DomainError } from '@tenantkit/db';
import { HttpProblem, PROBLEM_KIND_STATUS } from '@tenantkit/http';
import {
  changePassword,
  confirmTotpEnrolment,
  disableTotp,
  InvalidMfaCodeError,
  pendingTotpEnrolment,
  regenerateRecoveryCodes,
  startTotpEnrolment,
} from '@tenantkit/identity';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AccountLimits } from '../../auth/account-limits.ts';
import { identityContext } from '../../auth/identity-context.ts';
import { mfaContext } from '../../auth/mfa-context.ts';
import type { SessionPrincipal } from '../../auth/principal.ts';
import type { ApiDeps } from '../../deps.ts';
import { renderAccount } from './account-view.tsx';

const field = (form: Record<string, unknown>, name: string, max = 4096) => {
  const value = form[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

/**
 * The account page's security forms: MFA enrolment (secret shown as text, confirmed with a
 * code, recovery codes shown once), disabling MFA, new recovery codes, and password change.
 * Every failure re-renders the page with the domain error's own message.
 */
export function registerAccountSecurityPages(
  app: Hono,
  deps: ApiDeps,
  limits: AccountLimits,
): void {
  const handle =
    (
      action: (
        c: Context,
        principal: SessionPrincipal,
        form: Record<string, unknown>,
      ) => Promise<Response>,
    ) =>
    async (c: Context) => {
      const principal = c.get('principal');
      if (principal?.via !== 'session') return c.redirect('/login', 303);
      const form = (await c.req.parseBody()) as Record<string, unknown>;
      try {
        return await action(c, principal, form);
      } catch (error) {
        const status = pageErrorStatus(error);
        if (status === undefined) throw error;
        if (error instanceof HttpProblem && error.status === 429) {
          c.header('Retry-After', error.headers?.['Retry-After'] ?? '60');
        }
        const message =
          error instanceof HttpProblem
            ? 'Too many attempts. Try again later.'
            : String((error as Error).message);
        // A mistyped confirmation code keeps the pending secret on screen.
        const enrolment =
          error instanceof InvalidMfaCodeError
            ? ((await pendingTotpEnrolment({
                ctx: mfaContext(c, deps),
                input: { userId: principal.id },
              })) ?? undefined)
            : undefined;
        return renderAccount(c, deps, principal, { error: message, enrolment }, status);
      }
    };

  app.post(
    '/account/mfa/start',
    handle(async (c, principal) => {
      const enrolment = await startTotpEnrolment({
        ctx: mfaContext(c, deps),
        input: { userId: principal.id },
      });
      return renderAccount(c, deps, principal, { enrolment });
    }),
  );

  app.post(
    '/account/mfa/confirm',
    handle(async (c, principal, form) => {
      await limits.check(c, 'mfa-manage', principal.id);
      const { recoveryCodes } = await confirmTotpEnrolment({
        ctx: mfaContext(c, deps),
        input: { userId: principal.id, code: field(form, 'code', 32).trim() },
      });
      await limits.succeeded(c, 'mfa-manage', principal.id);
      return renderAccount(c, deps, principal, {
        recoveryCodes,
        notice: 'Two-factor authentication is on.',
      });
    }),
  );

  app.post(
    '/account/mfa/disable',
    handle(async (c, principal, form) => {
      await limits.check(c, 'mfa-manage', principal.id);
      await disableTotp({
        ctx: mfaContext(c, deps),
        input: { userId: principal.id, proof: { password: field(form, 'password') } },
      });
      await limits.succeeded(c, 'mfa-manage', principal.id);
      return renderAccount(c, deps, principal, { notice: 'Two-factor authentication is off.' });
    }),
  );

  app.post(
    '/account/mfa/recovery-codes',
    handle(async (c, principal, form) => {
      await limits.check(c, 'mfa-manage', principal.id);
      const { recoveryCodes } = await regenerateRecoveryCodes({
        ctx: mfaContext(c, deps),
        input: { userId: principal.id, proof: { password: field(form, 'password') } },
      });
      await limits.succeeded(c, 'mfa-manage', principal.id);
      return renderAccount(c, deps, principal, {
        recoveryCodes,
        notice: 'New recovery codes created; the old ones no longer work.',
      });
    }),
  );

  app.post(
    '/account/password',
    handle(async (c, principal, form) => {
      await limits.check(c, 'password-change', principal.id);
      const { revokedSessions } = await changePassword({
        ctx: identityContext(c, deps),
        input: {
          userId: principal.id,
          currentSessionId: principal.sessionId,
          currentPassword: field(form, 'currentPassword'),
          newPassword: field(form, 'newPassword'),
        },
      });
      await limits.succeeded(c, 'password-change', principal.id);
      return renderAccount(c, deps, principal, {
        notice: `Password changed. ${revokedSessions} other session(s) signed out.`,
      });
    }),
  );
}

/** Errors the user can act on get the page back with a message; anything else is a 5xx. */
function pageErrorStatus(error: unknown): ContentfulStatusCode | undefined {
  if (error instanceof HttpProblem && error.status === 429) return 429;
  if (error instanceof DomainError) {
    const status: number = PROBLEM_KIND_STATUS[error.problemKind];
    return status < 500 ? (status as ContentfulStatusCode) : undefined;
  }
  return undefined;
}
