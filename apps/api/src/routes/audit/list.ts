import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvalidInputError, withTenant } from '@tenantkit/db';
import { type AuditEvent, listAuditEvents } from '@tenantkit/identity';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';

const AuditEventSchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    occurredAt: z.iso.datetime(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    data: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent');

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
  action: z.string().min(1).max(100).optional().openapi({ example: 'auth.login.failed' }),
  actorId: z.string().min(1).max(200).optional(),
  targetType: z.string().min(1).max(100).optional(),
  targetId: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'inclusive' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'exclusive' }),
});

export const route = createRoute({
  middleware: [requirePermission('audit:read')] as const,
  'x-permission': 'audit:read',
  method: 'get',
  path: '/',
  tags: ['audit'],
  summary: "The tenant's audit log, newest first",
  request: { query: AuditQuery },
  responses: {
    200: {
      description: 'A page of audit events',
      content: {
        'application/json': {
          schema: z
            .object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() })
            .openapi('AuditEventPage'),
        },
      },
    },
    ...commonErrors,
  },
});

/** Opaque to clients: base64url of the last `seq` seen. */
const encodeCursor = (seq: number) =>
  Buffer.from(JSON.stringify({ before: seq })).toString('base64url');

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { before } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      before?: unknown;
    };
    if (typeof before === 'number' && Number.isSafeInteger(before) && before > 0) return before;
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid-cursor', 'cursor is not one this API issued');
}

function eventBody({ tenantId: _tenant, occurredAt, ...event }: AuditEvent) {
  return { ...event, occurredAt: occurredAt.toISOString() };
}

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { cursor, from, to, ...filters } = c.req.valid('query');
    const tenant = c.get('tenant');
    const page = await withTenant(deps.db, tenant.id, (tx) =>
      listAuditEvents(tx, tenant, {
        ...filters,
        beforeSeq: decodeCursor(cursor),
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      }),
    );
    return c.json(
      {
        items: page.events.map(eventBody),
        nextCursor: page.nextBeforeSeq === null ? null : encodeCursor(page.nextBeforeSeq),
      },
      200,
    );
  });
}
