import {
  createServiceApp,
  HttpError,
  route,
  type ServiceApp,
  type ServiceAppOptions,
} from '@portcullis/example-service-kit';
import { z } from 'zod';
import { type AuditLog, createAuditLog } from './audit-log';

/** Options for {@link createAdminService}. */
export interface AdminServiceOptions extends Omit<ServiceAppOptions, 'name' | 'routes'> {
  /** Telegram user ids that are admins. */
  readonly adminTelegramIds: readonly number[];
  /** @default a memory log of 10000 entries */
  readonly auditLog?: AuditLog;
}

const telegramId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const auditInput = z.object({
  actorTelegramId: telegramId,
  action: z.enum(['approve', 'reject', 'view_pending']),
  targetType: z.string().regex(/^[a-z_]{1,32}$/),
  targetId: z.string().min(1).max(64),
  note: z.string().max(500).nullable().default(null),
});

/**
 * admin-service: who is an admin, and the audit log of admin actions.
 *
 * - `GET /v1/admins/:telegramId` → `{ telegramId, isAdmin }`
 * - `POST /v1/audit` `{ actorTelegramId, action, targetType, targetId, note? }` → 201,
 *   403 when the actor is not an admin (checked here too, not only in the gateway)
 * - `GET /v1/audit?limit=20` → `{ items }`, newest first
 */
export function createAdminService(options: AdminServiceOptions): ServiceApp {
  const admins = new Set(options.adminTelegramIds);
  const log = options.auditLog ?? createAuditLog();
  return createServiceApp({
    ...options,
    name: 'admin',
    routes: [
      route('GET', '/v1/admins/:telegramId', ({ params }) => {
        const id = Number(params.telegramId);
        return {
          status: 200,
          body: { telegramId: id, isAdmin: Number.isInteger(id) && admins.has(id) },
        };
      }),
      route('POST', '/v1/audit', ({ json }) => {
        const entry = json(auditInput);
        if (!admins.has(entry.actorTelegramId)) {
          throw new HttpError(403, 'forbidden', 'The actor is not an admin');
        }
        return { status: 201, body: log.append(entry) };
      }),
      route('GET', '/v1/audit', ({ query }) => {
        const limit = z.coerce
          .number()
          .int()
          .min(1)
          .max(100)
          .default(20)
          .safeParse(query.get('limit') ?? undefined);
        if (!limit.success) throw new HttpError(400, 'validation_failed', 'limit must be 1-100');
        return { status: 200, body: { items: log.latest(limit.data) } };
      }),
    ],
  });
}
