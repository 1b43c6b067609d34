import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './paths.ts';

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** When it started listening, on the clock of --cpu-prof (microseconds). */
  readyAtMicros: number;
  stop(): Promise<void>;
}

export type ServerKind = 'api' | 'auth' | 'bare';

const scripts: Record<ServerKind, string> = {
  api: fileURLToPath(new URL('../servers/api.ts', import.meta.url)),
  auth: fileURLToPath(new URL('../servers/auth.ts', import.meta.url)),
  bare: fileURLToPath(new URL('../servers/bare.ts', import.meta.url)),
};

/**
 * Starts one benchmarked server in its own process (its own event loop) with exactly `env`
 * on top of PATH/HOME, and waits until it listens.
 */
export async function startServer(
  kind: ServerKind,
  env: Record<string, string>,
  { nodeOptions = [] }: { nodeOptions?: string[] } = {},
): Promise<RunningServer> {
  const child = fork(scripts[kind], [], {
    execArgv: ['--import', 'tsx', ...nodeOptions],
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; readyAtMicros: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} server did not start in 60 s`)),
      60_000,
    );
    child.on('message', (message: { type?: string; url?: string; readyAtMicros?: number }) => {
      if (message.type === 'ready' && message.url) {
        clearTimeout(timer);
        resolve({ url: message.url, readyAtMicros: message.readyAtMicros ?? 0 });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with ${code} while starting`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { ...ready, pid: child.pid ?? 0, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
