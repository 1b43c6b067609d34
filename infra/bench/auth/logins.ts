import { hashPassword, PASSWORD_PARAMS, verifyPassword } from '@tenantkit/identity';

export interface LoginThroughput {
  /** Password verifications per second, `parallel` at a time. */
  perSecond: number;
  parallel: number;
  msEach: number;
}

/**
 * How many password sign-ins per second this machine can verify with the production argon2
 * parameters: verifyPassword (what a login spends its time on) in a loop for `seconds`,
 * `parallel` at a time (argon2 runs on libuv's thread pool, so up to 4 run at once).
 */
export async function measureLogins(seconds: number, parallel: number): Promise<LoginThroughput> {
  const stored = await hashPassword('correct horse battery staple');
  let done = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const { valid } = await verifyPassword(stored, 'correct horse battery staple');
      if (!valid) throw new Error('verification failed');
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: done / elapsed, parallel, msEach: (elapsed * 1000 * parallel) / done };
}

export const argon2Params = (): string =>
  `argon2id m=${PASSWORD_PARAMS.memoryCost} KiB, t=${PASSWORD_PARAMS.timeCost}, p=${PASSWORD_PARAMS.parallelism}`;
