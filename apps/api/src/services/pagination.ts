import { InvalidInputError, isUuid } from '@tenantkit/db';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursors are opaque to clients (base64url of the last id seen). Ids are UUIDv7, so ordering
 * by id is creation order and a keyset `id > cursor` page is stable under concurrent inserts.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      after?: unknown;
    };
    if (typeof parsed.after === 'string' && isUuid(parsed.after)) return parsed.after;
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new InvalidInputError('invalid-cursor', 'cursor is not one this API issued');
}

/** Rows were fetched with `limit + 1`; the extra row only says whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
