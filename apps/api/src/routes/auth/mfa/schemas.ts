import { z } from '@hono/zod-openapi';
import type { Reauthentication } from '@tenantkit/identity';
import { ProblemSchema } from '../../shared.ts';

export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const signedInOnly = { 401: problem('Not signed in') };

/** Disabling MFA or replacing recovery codes: the password, or a current code. */
export const ReauthenticationBody = z
  .union([
    z.strictObject({ password: z.string().min(1).max(4096) }),
    z.strictObject({
      code: z
        .string()
        .trim()
        .regex(/^[0-9]{6}$/),
    }),
  ])
  .openapi('Reauthentication');

export function toProof(body: z.infer<typeof ReauthenticationBody>): Reauthentication {
  return 'password' in body ? { password: body.password } : { code: body.code };
}

export const RecoveryCodesSchema = z
  .object({
    recoveryCodes: z.array(z.string()).openapi({
      description: 'Shown once: only their hashes are stored. Each works for one sign-in.',
    }),
  })
  .openapi('RecoveryCodes');
