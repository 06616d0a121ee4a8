import {
  createServiceApp,
  notFound,
  route,
  type ServiceApp,
  type ServiceAppOptions,
} from '@portcullis/example-service-kit';
import { z } from 'zod';
import { createMemoryUserStore, type UserStore } from './store';

/** Options for {@link createUsersService}. */
export interface UsersServiceOptions extends Omit<ServiceAppOptions, 'name' | 'routes'> {
  /** @default a memory store */
  readonly store?: UserStore;
}

const telegramId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const registration = z.object({
  telegramId,
  name: z.string().trim().min(1).max(64),
  phone: z
    .string()
    .regex(/^\+?[0-9]{6,15}$/, 'must be 6-15 digits, optionally starting with +')
    .optional(),
});

/**
 * users-service: registration (`/start` with contact sharing) and lookup.
 *
 * - `POST /v1/users` `{ telegramId, name, phone? }` → 201 new user, 200 existing (updated)
 * - `GET /v1/users/by-telegram/:telegramId` → 200 user, 404
 * - `GET /v1/users/:id` → 200 user, 404
 */
export function createUsersService(options: UsersServiceOptions): ServiceApp {
  const store = options.store ?? createMemoryUserStore();
  return createServiceApp({
    ...options,
    name: 'users',
    routes: [
      route('POST', '/v1/users', async ({ json }) => {
        const { user, created } = await store.register(json(registration));
        return { status: created ? 201 : 200, body: user };
      }),
      route('GET', '/v1/users/by-telegram/:telegramId', async ({ params }) => {
        const id = telegramId.safeParse(Number(params.telegramId));
        const user = id.success ? await store.byTelegramId(id.data) : undefined;
        if (user === undefined) throw notFound('The user');
        return { status: 200, body: user };
      }),
      route('GET', '/v1/users/:id', async ({ params }) => {
        const user = await store.byId(params.id ?? '');
        if (user === undefined) throw notFound('The user');
        return { status: 200, body: user };
      }),
    ],
  });
}
