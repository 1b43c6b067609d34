import { connect } from 'node:tls';

/**
 * Full TLS handshakes (no session resumption) against 127.0.0.1:port for `durationMs`, from
 * `connections` concurrent clients cycling through `servernames`. Returns completed handshakes.
 * The loop is bounded in time and stops by itself.
 */
export async function countHandshakes({
  port,
  servernames,
  durationMs,
  connections,
}: {
  port: number;
  servernames: readonly string[];
  durationMs: number;
  connections: number;
}): Promise<{ completed: number; failed: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  let completed = 0;
  let failed = 0;
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const servername = servernames[next++ % servernames.length] ?? 'localhost';
      const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        completed++;
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        failed++;
        socket.destroy();
        resolve();
      });
    });
  const client = async () => {
    while (performance.now() < deadline) await one();
  };
  await Promise.all(Array.from({ length: connections }, client));
  return { completed, failed, seconds: (performance.now() - started) / 1000 };
}
