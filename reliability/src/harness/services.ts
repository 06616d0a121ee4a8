/**
 * The four example backends in this process, on 127.0.0.1, verifying every
 * call with `@portcullis/signing`. Each can be made slow, stopped (connection
 * refused) and restarted on the same port, to fault the gateway's clients.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
// The example services are workspace siblings without a dependency entry here.
import { createAdminService } from '../../../examples/services/admin/src/index';
import {
  createMemoryRequestStore,
  createRequestsService,
} from '../../../examples/services/requests/src/index';
import {
  listen,
  type RunningService,
  type ServiceApp,
} from '../../../examples/services/shared/src/index';
import {
  createMemoryShiftStore,
  createShiftsService,
} from '../../../examples/services/shifts/src/index';
import {
  createMemoryUserStore,
  createUsersService,
} from '../../../examples/services/users/src/index';

/** The gateway's signing key, known to every service. */
export const SIGNING_KEY = {
  id: 'reliability',
  secret: 'reliability-signing-secret-of-at-least-32-bytes',
} as const;

/** The admin every system knows (gateway and admin-service). */
export const ADMIN_ID = 9001;

/** The backend names, as the gateway's clients and breakers know them. */
export const SERVICE_NAMES = ['users', 'requests', 'shifts', 'admin'] as const;
/** One backend's name. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Running backends. */
export interface Services {
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** Calls each service received (after its own verification ran). */
  readonly received: Record<ServiceName, number>;
  /** Delays every call to `name` by `ms` (0: normal). */
  slow(name: ServiceName, ms: number): void;
  /** Closes `name`'s listener: calls are refused. */
  stop(name: ServiceName): Promise<void>;
  /** Listens again on the same port. */
  restart(name: ServiceName): Promise<void>;
  close(): Promise<void>;
}

/** Starts users, requests, shifts and admin services with memory stores. */
export async function startServices(): Promise<Services> {
  const keys = [{ id: SIGNING_KEY.id, secret: SIGNING_KEY.secret }];
  const log = () => {};
  const userStore = createMemoryUserStore();
  const requestStore = createMemoryRequestStore();
  const shiftStore = createMemoryShiftStore({ demoSchedule: true });
  const factories: Record<ServiceName, () => ServiceApp> = {
    users: () => createUsersService({ keys, log, store: userStore }),
    requests: () => createRequestsService({ keys, log, store: requestStore }),
    shifts: () => createShiftsService({ keys, log, store: shiftStore }),
    admin: () => createAdminService({ keys, log, adminTelegramIds: [ADMIN_ID] }),
  };
  const delays: Record<ServiceName, number> = { users: 0, requests: 0, shifts: 0, admin: 0 };
  const received: Record<ServiceName, number> = { users: 0, requests: 0, shifts: 0, admin: 0 };
  const app = (name: ServiceName): ServiceApp => {
    const inner = factories[name]();
    return {
      ...inner,
      listener(req: IncomingMessage, res: ServerResponse) {
        if (!req.url?.startsWith('/health') && !req.url?.startsWith('/ready')) received[name]++;
        const ms = delays[name];
        if (ms === 0) return inner.listener(req, res);
        const timer = setTimeout(() => inner.listener(req, res), ms);
        res.once('close', () => clearTimeout(timer));
      },
    };
  };
  const running = {} as Record<ServiceName, RunningService>;
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    running[name] = await listen(app(name));
    ports[name] = running[name].port;
  }
  const stopped = new Set<ServiceName>();
  return {
    urls: Object.fromEntries(SERVICE_NAMES.map((n) => [n, running[n].url])) as Record<
      ServiceName,
      string
    >,
    received,
    slow(name, ms) {
      delays[name] = ms;
    },
    async stop(name) {
      stopped.add(name);
      await running[name].close();
    },
    async restart(name) {
      running[name] = await listen(app(name), { port: ports[name] });
      stopped.delete(name);
    },
    async close() {
      await Promise.all(
        SERVICE_NAMES.filter((n) => !stopped.has(n)).map((n) => running[n].close()),
      );
    },
  };
}
