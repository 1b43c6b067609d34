import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';

/** Linux reports per-process CPU in clock ticks; 100 per second on every usual kernel. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the given processes have used so far; gone ones are absent. */
export async function cpuSeconds(pids: readonly number[]): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
      } catch {
        // exited (an idle pool connection closing): its CPU is lost either way
      }
    }),
  );
  return used;
}

/** CPU seconds `pids` used between two readings, counting only processes alive at both. */
export function cpuBetween(
  pids: readonly number[],
  before: Map<number, number>,
  after: Map<number, number>,
): number {
  let total = 0;
  for (const pid of pids) {
    const start = before.get(pid);
    const end = after.get(pid);
    if (start !== undefined && end !== undefined) total += end - start;
  }
  return total;
}

/**
 * What share of the machine the measured processes got while the run lasted: near 100% when
 * the bench had the machine to itself and saturated it; much lower means other work competed
 * for the CPU (or the bench was not CPU-bound), and the figures deserve less trust.
 */
export function machineShare(cpuUsedSeconds: number, wallSeconds: number): number {
  return cpuUsedSeconds / (availableParallelism() * wallSeconds);
}
