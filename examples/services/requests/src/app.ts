import {
  createServiceApp,
  HttpError,
  notFound,
  route,
  type ServiceApp,
  type ServiceAppOptions,
} from '@portcullis/example-service-kit';
import { z } from 'zod';
import { createMemoryRequestStore } from './memory-store';
import { newRequestSchema, type RequestStore, STATUSES } from './model';

/** Options for {@link createRequestsService}. */
export interface RequestsServiceOptions extends Omit<ServiceAppOptions, 'name' | 'routes'> {
  /** @default a memory store */
  readonly store?: RequestStore;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;
const listQuery = z.object({
  telegramId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(5),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const decisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  adminTelegramId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  note: z.string().trim().max(500).nullable().default(null),
});

/**
 * request-service: service requests created by the `/request` conversation,
 * listed by `/myrequests`, decided by admins.
 *
 * - `POST /v1/requests` (optional `Idempotency-Key`) → 201 created, 200 replay of the same key, 422 key reused with another body
 * - `GET /v1/requests?telegramId=&status=&limit=5&offset=0` → `{ items, total, limit, offset }`, newest first
 * - `GET /v1/requests/:id` → 200, 404
 * - `POST /v1/requests/:id/decision` `{ decision: 'approve'|'reject', adminTelegramId, note? }` → 200, 404, 409 when already decided
 */
export function createRequestsService(options: RequestsServiceOptions): ServiceApp {
  const store = options.store ?? createMemoryRequestStore();
  return createServiceApp({
    ...options,
    name: 'requests',
    checks: { store: () => store.ping(), ...options.checks },
    routes: [
      route('POST', '/v1/requests', async ({ json, req }) => {
        const key = req.headers['idempotency-key'];
        if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
          throw new HttpError(
            400,
            'validation_failed',
            'Idempotency-Key must be 8-128 characters of A-Z, a-z, 0-9, _ and -',
          );
        }
        const outcome = await store.create(json(newRequestSchema), key);
        if (outcome.kind === 'key_conflict') {
          throw new HttpError(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used for a different request',
          );
        }
        return { status: outcome.kind === 'created' ? 201 : 200, body: outcome.request };
      }),
      route('GET', '/v1/requests', async ({ query }) => {
        const parsed = listQuery.safeParse(Object.fromEntries(query));
        if (!parsed.success) {
          throw new HttpError(
            400,
            'validation_failed',
            'The query is not valid',
            parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          );
        }
        const page = await store.list(parsed.data);
        return {
          status: 200,
          body: { ...page, limit: parsed.data.limit, offset: parsed.data.offset },
        };
      }),
      route('GET', '/v1/requests/:id', async ({ params }) => {
        const request = await store.get(params.id ?? '');
        if (request === undefined) throw notFound('The request');
        return { status: 200, body: request };
      }),
      route('POST', '/v1/requests/:id/decision', async ({ params, json }) => {
        const input = json(decisionSchema);
        const outcome = await store.decide(
          params.id ?? '',
          input.decision === 'approve' ? 'approved' : 'rejected',
          input.adminTelegramId,
          input.note,
        );
        if (outcome.kind === 'not_found') throw notFound('The request');
        if (outcome.kind === 'not_pending') {
          throw new HttpError(
            409,
            'not_pending',
            `The request is already ${outcome.request.status}`,
            { status: outcome.request.status },
          );
        }
        return { status: 200, body: outcome.request };
      }),
    ],
  });
}
