/**
 * The child side of a benchmarked server: tell the parent where it listens, and shut down
 * cleanly when asked or when the parent goes away (so a crashed bench leaves no server).
 */
export function announceReady(url: string, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[bench server] shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  process.once('disconnect', stop);
  // The monotonic clock that --cpu-prof timestamps use, so a profile can skip start-up.
  process.send?.({ type: 'ready', url, readyAtMicros: Number(process.hrtime.bigint() / 1000n) });
}
