import { parseArgs } from 'node:util';
import { ConfigError } from '@tenantkit/config';
import { DomainError, ManifestError } from '@tenantkit/db';
import * as commands from './commands.ts';
import { createCliContext } from './context.ts';
import { createOperatorCommand } from './operators.ts';

const USAGE = `usage: pnpm ops <command> [args] [flags]

  onboard <slug> [--name N] [--tier pooled|dedicated] [--plan P] [--owner EMAIL] [--inline]
  suspend <tenant>                 resume <tenant>              plan <tenant> <plan>
  move-tier <tenant> <pooled|dedicated> [--inline]
  delete <tenant> [--grace-hours H]     cancel-delete <tenant>
  purge <tenant> [--ignore-grace]
  apply <folder|file> [--dry-run]  reconcile tenants with manifests (JSON or YAML)
  operator create <email> [--name N]   first operator; password from OPS_OPERATOR_PASSWORD

<tenant> is a slug or an id. Without --inline, onboard and move-tier run on the worker and
this command follows their progress.`;

const table: Record<
  string,
  (ctx: ReturnType<typeof createCliContext>, args: string[], flags: commands.Flags) => Promise<void>
> = {
  onboard: commands.onboard,
  suspend: commands.suspend,
  resume: commands.resume,
  plan: commands.plan,
  'move-tier': commands.moveTier,
  delete: commands.remove,
  'cancel-delete': commands.cancelDelete,
  purge: commands.purge,
  apply: commands.apply,
  operator: createOperatorCommand,
};

let exitCode = 0;
try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      tier: { type: 'string' },
      plan: { type: 'string' },
      owner: { type: 'string' },
      inline: { type: 'boolean' },
      'grace-hours': { type: 'string' },
      'ignore-grace': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  const run = command ? table[command] : undefined;
  if (!run || values.help) {
    console.log(USAGE);
    exitCode = values.help ? 0 : 2;
  } else {
    const ctx = createCliContext(process.env);
    try {
      await run(ctx, args, values);
    } finally {
      await ctx.close();
    }
  }
} catch (error) {
  exitCode = 1;
  if (error instanceof ManifestError) console.error(`nothing applied:\n${error.message}`);
  else if (error instanceof ConfigError || error instanceof DomainError)
    console.error(error.message);
  else if (error instanceof commands.UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    exitCode = 2;
  } else console.error(error);
}
process.exit(exitCode);
