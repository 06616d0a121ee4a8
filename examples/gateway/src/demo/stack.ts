import { randomBytes } from 'node:crypto';
import { createAdminService, createAuditLog } from '@portcullis/example-admin-service';
import {
  createMemoryRequestStore,
  createRequestsService,
} from '@portcullis/example-requests-service';
import { listen, type RunningService, type ServiceApp } from '@portcullis/example-service-kit';
import { createMemoryShiftStore, createShiftsService } from '@portcullis/example-shifts-service';
import { createMemoryUserStore, createUsersService } from '@portcullis/example-users-service';
import {
  type BotApiTestServer,
  createBotApiTestServer,
} from '@portcullis/telegram-adapter/testing';
import { freePort } from '@portcullis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { type GatewayConfig, loadConfig } from '../config';
import { createGateway, type Gateway, type GatewayOverrides } from '../gateway';

/** People of the demo: a worker and an admin. */
export const DEMO_USERS = {
  worker: { id: 1001, first_name: 'Alice' },
  admin: { id: 9001, first_name: 'Bob' },
} as const;

/** Options for {@link startDemoStack}. */
export interface DemoStackOptions {
  /** Share state through this Redis instead of memory stores. */
  readonly redis?: Redis | Cluster;
  /** `webhook` (the test kit delivers to the gateway over HTTP) or `polling`. @default 'webhook' */
  readonly updateMode?: 'webhook' | 'polling';
  /** Extra environment for the gateway. */
  readonly env?: Record<string, string>;
  readonly overrides?: GatewayOverrides;
}

/** Everything the demo runs, on 127.0.0.1. */
export interface DemoStack {
  readonly telegram: BotApiTestServer;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly services: Record<'users' | 'requests' | 'shifts' | 'admin', RunningService>;
  /** Stops a backend (an outage). */
  stopService(name: keyof DemoStack['services']): Promise<void>;
  /** Starts a stopped backend again on its old port. */
  restartService(name: keyof DemoStack['services']): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the demo stack: the test kit's local Bot API server, the four example
 * services (memory stores, verifying every signature) and the gateway.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const signing = { id: 'demo-gateway-1', secret: randomBytes(32).toString('base64url') };
  const keys = [{ id: signing.id, secret: signing.secret }];
  const quiet = () => undefined;
  // Stores outlive the service processes, as a database would: a restarted
  // service (a fresh app, not a drained one) finds its data again.
  const userStore = createMemoryUserStore();
  const requestStore = createMemoryRequestStore();
  const shiftStore = createMemoryShiftStore({ seed: demoShifts(DEMO_USERS.worker.id) });
  const auditLog = createAuditLog();
  const makeApp: Record<keyof DemoStack['services'], () => ServiceApp> = {
    users: () => createUsersService({ keys, log: quiet, store: userStore }),
    requests: () => createRequestsService({ keys, log: quiet, store: requestStore }),
    shifts: () => createShiftsService({ keys, log: quiet, store: shiftStore }),
    admin: () =>
      createAdminService({ keys, log: quiet, auditLog, adminTelegramIds: [DEMO_USERS.admin.id] }),
  };
  const services = {} as Record<keyof DemoStack['services'], RunningService>;
  for (const [name, make] of Object.entries(makeApp)) {
    services[name as keyof typeof makeApp] = await listen(make());
  }
  const telegram = await createBotApiTestServer({
    token: `7000000001:${randomBytes(27).toString('base64url')}`,
    me: { username: 'portcullis_demo_bot', first_name: 'Portcullis Demo' },
  });
  const port = await freePort();
  const updateMode = options.updateMode ?? 'webhook';
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_UPDATE_MODE: updateMode,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_WEBHOOK_SECRET: randomBytes(24).toString('base64url'),
    SERVICE_USERS_URL: services.users.url,
    SERVICE_REQUESTS_URL: services.requests.url,
    SERVICE_SHIFTS_URL: services.shifts.url,
    SERVICE_ADMIN_URL: services.admin.url,
    SERVICE_TIMEOUT_MS: '1000',
    SIGNING_KEY_ID: signing.id,
    SIGNING_SECRET: signing.secret,
    ADMIN_USER_IDS: String(DEMO_USERS.admin.id),
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...options.env,
  });
  const gateway = createGateway(config, {
    ...(options.redis ? { redis: options.redis } : {}),
    // Short open period so the demo's outage recovers quickly.
    serviceClientOptions: {
      breaker: {
        window: { type: 'count', size: 10 },
        minimumCalls: 2,
        failureRateThreshold: 50,
        openMs: 1000,
      },
    },
    // The local Bot API server has no flood limit; Telegram's 1 msg/s per chat
    // would only stretch the scripted scenario to minutes.
    botOptions: { outbound: { perChatPerSecond: 25 } },
    ...options.overrides,
  });
  await gateway.start();

  const stopped = new Set<string>();
  return {
    telegram,
    gateway,
    config,
    services,
    async stopService(name) {
      stopped.add(name);
      await services[name].close();
    },
    async restartService(name) {
      services[name] = await listen(makeApp[name](), { port: services[name].port });
      stopped.delete(name);
    },
    async stop() {
      await gateway.stop();
      await Promise.all(
        Object.entries(services).map(([name, service]) =>
          stopped.has(name) ? undefined : service.close(),
        ),
      );
      await telegram.close();
    },
  };
}

function demoShifts(telegramId: number) {
  const day = 24 * 60 * 60 * 1000;
  const at = (offsetDays: number, hour: number) => {
    const date = new Date(Date.now() + offsetDays * day);
    date.setUTCHours(hour, 0, 0, 0);
    return date.toISOString();
  };
  return [
    {
      telegramId,
      startsAt: at(1, 8),
      endsAt: at(1, 16),
      location: 'Building A',
      role: 'Facility technician',
    },
    {
      telegramId,
      startsAt: at(3, 14),
      endsAt: at(3, 22),
      location: 'Building C',
      role: 'Facility technician',
    },
  ];
}
