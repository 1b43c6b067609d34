/**
 * The process logger: JSON lines via pino, with secrets redacted before they are written.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
 * ```
 */
import { type DestinationStream, type Level, type Logger, pino, stdSerializers } from 'pino';
import { REDACTED, redactSecrets, TOP_LEVEL_SECRET_PATHS } from './redact.ts';

export interface CreateLoggerOptions {
  level?: Level | 'silent';
  /** Human-readable lines for local development; production should keep JSON. */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  destination?: DestinationStream;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * A dependency-free dev formatter: `12:00:01 INFO request completed {"status":200}`. Not a
 * pino-pretty replacement, just enough to read locally without adding a dependency.
 */
const prettyDestination = (out: DestinationStream): DestinationStream => ({
  write(line: string) {
    const { time, level, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line);
    const clock = new Date(time).toISOString().slice(11, 19);
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    out.write(`${clock} ${LEVEL_NAMES[level] ?? level} ${msg ?? ''}${extra}\n`);
  },
});

// Errors are serialized after `formatters.log` has run, and HTTP client errors like to carry
// their request config (headers included) as own properties, so they get their own pass.
const serializeError = (err: Error): unknown => {
  const serialized: unknown = stdSerializers.err(err);
  return typeof serialized === 'object' && serialized !== null
    ? redactSecrets(serialized as Record<string, unknown>)
    : serialized;
};

export const createLogger = ({
  level = 'info',
  pretty = false,
  destination = process.stdout,
}: CreateLoggerOptions = {}): Logger =>
  pino(
    {
      level,
      // Log objects get the deep walk. Child-logger bindings never pass through
      // `formatters.log`, so top-level pino paths (cheap, unlike wildcard ones) cover those.
      formatters: { log: redactSecrets },
      redact: { paths: TOP_LEVEL_SECRET_PATHS, censor: REDACTED },
      serializers: { err: serializeError },
    },
    pretty ? prettyDestination(destination) : destination,
  );
