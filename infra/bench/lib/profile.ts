import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTable } from './report.ts';
import { round } from './stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock that process.hrtime() reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Names V8 gives to samples that are not JavaScript of the app. */
const IDLE = '(idle)';

/**
 * Where a profiled server's CPU went after it said ready (`--cpu-prof` writes one file per
 * thread; `.0.` is the main thread, the others are tsx's loader): self time grouped by package
 * and by function, as shares of the busy (non-idle) samples.
 */
export async function summarizeProfile(
  dir: string,
  readyAtMicros: number,
  top = 20,
): Promise<string> {
  const file = (await readdir(dir)).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) return `no main-thread profile in ${dir}`;
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const node = nodes.get(id);
    if (!node || at < readyAtMicros) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === IDLE) return;
    busy++;
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    byFunction.set(fn.trim(), (byFunction.get(fn.trim()) ?? 0) + 1);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
  });
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => [name, `${round((hits / busy) * 100, 1)}%`]);
  return [
    `${busy} busy samples after ready (${file})`,
    '',
    formatTable(['package (self time)', 'busy'], rows(byPackage)),
    '',
    formatTable(['function (self time)', 'busy'], rows(byFunction)),
  ].join('\n');
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const match = /\/((?:apps|packages|infra)\/.*)$/.exec(url);
  return match?.[1] ?? url.replace(/^file:\/\//, '');
}

/** `hono`, `drizzle-orm`, `@tenantkit/http` (workspace), `node:internal/...`, `(garbage collector)`. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  const match = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return match ? `@tenantkit/${match[2]}` : shortUrl(url);
}
