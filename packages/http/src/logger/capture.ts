import type { Level, Logger } from 'pino';
import { createLogger } from './index.ts';

/** Test helper: a real (redacting) logger whose lines are parsed into an array. */
export const captureLogger = (level: Level | 'silent' = 'info') => {
  const lines: Array<Record<string, unknown>> = [];
  const logger: Logger = createLogger({
    level,
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
};
