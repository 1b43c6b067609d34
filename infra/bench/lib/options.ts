import { parseArgs } from 'node:util';

/** Options every benchmark understands; each bench adds its own on top. */
export interface CommonOptions {
  /** Seconds of measured load per case. */
  duration: number;
  /** Concurrent HTTP connections of the load generator. */
  connections: number;
  /** Seconds of unmeasured load before each measured run. */
  warmup: number;
  /** Pool size of every server process (DATABASE_POOL_MAX for the api). */
  poolMax: number;
  /** Keep the scratch databases instead of dropping them at the end. */
  keep: boolean;
  quick: boolean;
}

const common = {
  duration: { type: 'string', default: '10' },
  connections: { type: 'string', default: '32' },
  warmup: { type: 'string', default: '2' },
  pool: { type: 'string', default: '10' },
  keep: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export const COMMON_USAGE = `  --duration N     seconds of measured load per case (default 10)
  --connections N  load-generator connections (default 32)
  --warmup N       seconds of unmeasured load before each case (default 2)
  --pool N         database pool size of each server (default 10)
  --keep           keep the scratch database(s)
  --quick          smaller data for iteration`;

type ExtraSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

/** Parses argv; exits with the usage on `--help` or a bad value. */
export function parseOptions<E extends ExtraSpec>(
  argv: string[],
  extra: E,
  usage: string,
): { common: CommonOptions; extra: Record<keyof E, string | boolean | undefined> } {
  const values = parseArgs({ args: argv, options: { ...common, ...extra }, strict: true })
    .values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const duration = positive('duration', values.duration);
  return {
    common: {
      duration,
      connections: positive('connections', values.connections),
      warmup: nonNegative('warmup', values.warmup),
      poolMax: positive('pool', values.pool),
      keep: values.keep === true,
      quick: values.quick === true,
    },
    extra: values as Record<keyof E, string | boolean | undefined>,
  };
}

function nonNegative(name: string, raw: unknown): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a number >= 0, got ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

export function positive(name: string, raw: unknown): number {
  const value = nonNegative(name, raw);
  if (value === 0) {
    console.error(`--${name} must be > 0`);
    process.exit(2);
  }
  return value;
}

/** Progress goes to stderr so that stdout holds only the table and the JSON lines. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
