import { createAdminService, createAuditLog } from '@portcullis/example-admin-service';
import {
  createMemoryRequestStore,
  createRequestsService,
  type RequestStore,
} from '@portcullis/example-requests-service';
import {
  type LogLine,
  listen,
  type RunningService,
  type ServiceApp,
} from '@portcullis/example-service-kit';
import { createMemoryShiftStore, createShiftsService } from '@portcullis/example-shifts-service';
import { createMemoryUserStore, createUsersService } from '@portcullis/example-users-service';
import type { VerificationKey } from '@portcullis/signing';

/** The four example services by short name. */
export type ServiceName = 'users' | 'requests' | 'shifts' | 'admin';

/** Every service name, in start order. */
export const SERVICE_NAMES: readonly ServiceName[] = ['users', 'requests', 'shifts', 'admin'];

/** Options for {@link startExampleServices}. */
export interface ExampleServicesOptions {
  /** Keys the services accept (the gateway's signing key). */
  readonly keys: readonly VerificationKey[];
  /** Telegram ids admin-service treats as admins. @default [] */
  readonly adminTelegramIds?: readonly number[];
  /** Give every worker three demo shifts. @default true */
  readonly demoSchedule?: boolean;
  /** request-service storage. @default memory */
  readonly requestStore?: RequestStore;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Where service log lines go. @default discarded */
  readonly log?: (line: LogLine) => void;
}

/** The running services. */
export interface ExampleServices {
  /** Base URL of each service (`http://127.0.0.1:PORT`), stable across stop/start. */
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** The `Portcullis-Audience` each service accepts (`users-service`…): give it to the signer. */
  readonly audiences: Readonly<Record<ServiceName, string>>;
  /** Whether a service is up. */
  isRunning(name: ServiceName): boolean;
  /** Takes a service down (connections refused), as an outage would; its data is kept. */
  stop(name: ServiceName): Promise<void>;
  /** Brings a stopped service back on the same port, with the same data. */
  start(name: ServiceName): Promise<void>;
  /** Stops everything (and closes the request store). */
  close(): Promise<void>;
}

/**
 * Starts users, requests, shifts and admin services on free loopback ports in
 * this process, memory-backed unless a request store is given: the backends
 * of the gateway's demo mode and end-to-end tests. `stop()`/`start()` simulate
 * an outage and the recovery.
 *
 * @example
 * ```ts
 * const services = await startExampleServices({ keys: [{ id: 'gw', secret }], adminTelegramIds: [1001] });
 * const signer = createSigner({ keyId: 'gw', secret, audience: services.audiences.users });
 * await services.stop('shifts'); // backend outage
 * ```
 */
export async function startExampleServices(
  options: ExampleServicesOptions,
): Promise<ExampleServices> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const users = createMemoryUserStore();
  const shifts = createMemoryShiftStore({ demoSchedule: options.demoSchedule ?? true });
  const requests = options.requestStore ?? createMemoryRequestStore();
  const audit = createAuditLog();
  const common = { keys: options.keys, log };
  const factories: Record<ServiceName, () => ServiceApp> = {
    users: () => createUsersService({ ...common, store: users }),
    requests: () => createRequestsService({ ...common, store: requests }),
    shifts: () => createShiftsService({ ...common, store: shifts }),
    admin: () =>
      createAdminService({
        ...common,
        auditLog: audit,
        adminTelegramIds: options.adminTelegramIds ?? [],
      }),
  };
  const running = new Map<ServiceName, RunningService>();
  const ports = new Map<ServiceName, number>();

  async function start(name: ServiceName): Promise<void> {
    if (running.has(name)) return;
    // A fresh app each time: the old one's health handler stays drained after stop().
    const service = await listen(factories[name](), { host, port: ports.get(name) ?? 0 });
    ports.set(name, service.port);
    running.set(name, service);
  }

  async function stop(name: ServiceName): Promise<void> {
    const service = running.get(name);
    if (service === undefined) return;
    running.delete(name);
    await service.close();
  }

  for (const name of SERVICE_NAMES) await start(name);
  const urls = {} as Record<ServiceName, string>;
  const audiences = {} as Record<ServiceName, string>;
  for (const name of SERVICE_NAMES) {
    urls[name] = running.get(name)!.url;
    audiences[name] = `${name}-service`;
  }
  return {
    urls,
    audiences,
    isRunning: (name) => running.has(name),
    stop,
    start,
    close: async () => {
      await Promise.all(SERVICE_NAMES.map(stop));
      await requests.close();
    },
  };
}
