import {
  createServiceApp,
  HttpError,
  route,
  type ServiceApp,
  type ServiceAppOptions,
} from '@portcullis/example-service-kit';
import { z } from 'zod';
import { createMemoryShiftStore, type ShiftStore } from './store';

/** Options for {@link createShiftsService}. */
export interface ShiftsServiceOptions extends Omit<ServiceAppOptions, 'name' | 'routes'> {
  /** @default a memory store */
  readonly store?: ShiftStore;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const telegramId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const listQuery = z.object({
  telegramId,
  from: z.iso.datetime({ offset: true }).optional(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});
const newShift = z
  .object({
    telegramId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    location: z.string().trim().min(1).max(200),
    role: z.string().trim().min(1).max(64),
  })
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });

/**
 * shifts-service: a worker's upcoming shifts (`/shifts`).
 *
 * - `GET /v1/shifts?telegramId=&from=&days=7` → `{ items }`, earliest first
 * - `POST /v1/shifts` `{ telegramId, startsAt, endsAt, location, role }` → 201
 */
export function createShiftsService(options: ShiftsServiceOptions): ServiceApp {
  const store = options.store ?? createMemoryShiftStore();
  const now = options.now ?? (() => new Date());
  return createServiceApp({
    ...options,
    name: 'shifts',
    routes: [
      route('GET', '/v1/shifts', async ({ query }) => {
        const parsed = listQuery.safeParse(Object.fromEntries(query));
        if (!parsed.success) {
          throw new HttpError(
            400,
            'validation_failed',
            'The query is not valid',
            parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          );
        }
        const from = parsed.data.from === undefined ? now() : new Date(parsed.data.from);
        const to = new Date(from.getTime() + parsed.data.days * DAY_MS);
        return { status: 200, body: { items: await store.list(parsed.data.telegramId, from, to) } };
      }),
      route('POST', '/v1/shifts', async ({ json }) => ({
        status: 201,
        body: await store.add(json(newShift)),
      })),
    ],
  });
}
