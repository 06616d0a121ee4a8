/**
 * The reference gateway under test: in this process (`startGateway`) where a
 * process boundary does not matter, or as a child process running the real
 * entry point (`spawnReplica`) where one must be killed or scaled out.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { type GatewayConfig, loadConfig } from '@portcullis/example-gateway/src/config';
import {
  createGateway,
  type Gateway,
  type GatewayOverrides,
} from '@portcullis/example-gateway/src/gateway';
import { stopProcess } from '@portcullis/testkit';
import { spawnHealthy } from './process';
import { ADMIN_ID, type Services, SIGNING_KEY } from './services';

/** A token shaped like BotFather's, accepted by the gateway's config and the test Bot API. */
export const BOT_TOKEN = `123456:${'R'.repeat(35)}`;
/** The webhook secret every gateway under test is configured with. */
export const WEBHOOK_SECRET = 'reliability-webhook-secret';
/** The webhook path (the reference default, which the nginx config proxies). */
export const WEBHOOK_PATH = '/telegram/webhook';

/** What a gateway environment is built from. */
export interface GatewayEnvOptions {
  readonly services: Services;
  readonly apiRoot: string;
  readonly port: number;
  /** One URL or comma-separated cluster seeds; memory stores when absent. */
  readonly redisUrl?: string;
  readonly durable?: boolean;
  readonly mode?: 'webhook' | 'polling';
  readonly extra?: Record<string, string>;
}

/** The environment `main.ts` reads, for one gateway. */
export function gatewayEnv(options: GatewayEnvOptions): Record<string, string> {
  const { services } = options;
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: options.apiRoot,
    TELEGRAM_UPDATE_MODE: options.mode ?? 'webhook',
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${options.port}`,
    TELEGRAM_WEBHOOK_PATH: WEBHOOK_PATH,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SERVICE_USERS_URL: services.urls.users,
    SERVICE_REQUESTS_URL: services.urls.requests,
    SERVICE_SHIFTS_URL: services.urls.shifts,
    SERVICE_ADMIN_URL: services.urls.admin,
    SERVICE_TIMEOUT_MS: '500',
    SIGNING_KEY_ID: SIGNING_KEY.id,
    SIGNING_SECRET: SIGNING_KEY.secret,
    ADMIN_USER_IDS: String(ADMIN_ID),
    SHUTDOWN_TIMEOUT_MS: '3000',
    TRUST_PROXY: 'true',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.durable ? { DURABLE_INGEST: 'true' } : {}),
    ...options.extra,
  };
}

/** Starts a gateway in this process. */
export async function startGateway(
  env: Record<string, string>,
  overrides: GatewayOverrides = {},
): Promise<Gateway> {
  const config: GatewayConfig = loadConfig(env);
  const gateway = createGateway(config, overrides);
  await gateway.start();
  return gateway;
}

const MAIN = resolve(import.meta.dirname, '../../../examples/gateway/src/main.ts');
const GATEWAY_DIR = resolve(import.meta.dirname, '../../../examples/gateway');

/** A gateway replica in its own process (`tsx src/main.ts`). */
export interface Replica {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it wrote (JSON logs), for failure messages. */
  output(): string;
  /** SIGKILL: a crash, nothing drained. Resolves once it exited. */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop. */
  stop(): Promise<void>;
}

/** Spawns `main.ts` with `env` and waits until `/health` answers 200. */
export async function spawnReplica(
  name: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Replica> {
  const { url, child, output } = await spawnHealthy({
    name: `replica ${name}`,
    entry: MAIN,
    cwd: GATEWAY_DIR,
    env,
    timeoutMs,
  });
  return {
    name,
    url,
    child,
    output,
    kill: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
    stop: () => stopProcess(child, 5000),
  };
}
