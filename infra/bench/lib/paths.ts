import { fileURLToPath } from 'node:url';

/** The repository root: child processes run from here so `--import tsx` resolves. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
