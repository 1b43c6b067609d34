import { parseKeyRing } from '@tenantkit/identity';
import { createOperator } from '../operators/store.ts';
import { type Flags, UsageError } from './commands.ts';
import type { CliContext } from './context.ts';

/**
 * `pnpm ops operator create <email>`: how the first operator comes to exist (the HTTP realm has
 * no sign-up). The password comes from OPS_OPERATOR_PASSWORD, never from argv (shell history,
 * process list); the TOTP enrolment is printed once.
 */
export async function createOperatorCommand(
  ctx: CliContext,
  [action, email]: string[],
  flags: Flags,
) {
  if (action !== 'create') throw new UsageError('operator: only "create" is supported');
  if (!email) throw new UsageError('missing <email>');
  const password = process.env.OPS_OPERATOR_PASSWORD;
  if (!password) throw new UsageError('set OPS_OPERATOR_PASSWORD to the new operator password');
  const created = await createOperator(ctx.deps.admin, parseKeyRing(ctx.config.secretsKeyRing), {
    email,
    name: typeof flags.name === 'string' ? flags.name : '',
    password,
  });
  ctx.out(`operator ${email} created (${created.id})`);
  ctx.out('enrol this TOTP secret in an authenticator now; it is not shown again:');
  ctx.out(`  ${created.totpUri}`);
  ctx.out(`  secret: ${created.totpSecretBase32}`);
}
