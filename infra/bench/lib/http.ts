import { request } from 'node:http';
import type { Target } from './load.ts';

/** One GET with the target's Host header (fetch does not let us set Host). */
export function getJson(
  baseUrl: string,
  target: Target,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(target.path, baseUrl);
  return new Promise((resolve, reject) => {
    const headers = { ...target.headers, host: target.host };
    const req = request(url, { headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Ids of a task page, after checking that it is one: 200, `items`, `nextCursor`. */
export async function fetchTaskPage(baseUrl: string, target: Target): Promise<string[]> {
  const { status, body } = await getJson(baseUrl, target);
  const page = body as { items?: { id: string }[]; nextCursor?: unknown };
  if (status !== 200 || !Array.isArray(page.items) || !('nextCursor' in page)) {
    throw new Error(
      `GET ${target.path} (Host ${target.host}) answered ${status}: ${JSON.stringify(body)}`,
    );
  }
  return page.items.map((item) => item.id);
}
