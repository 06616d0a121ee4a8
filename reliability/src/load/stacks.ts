/**
 * Everything one load run needs on 127.0.0.1: a real redis-server, the test
 * Bot API server, the example backends and the baseline's backend in this
 * process, and the two systems under test each in its own process.
 */
import {
  type BotApiTestServer,
  createBotApiTestServer,
  type RecordedCall,
} from '@portcullis/telegram-adapter/testing';
import { freePort, type RedisServer, startRedisServer } from '@portcullis/testkit';
import { BOT_TOKEN, gatewayEnv, WEBHOOK_PATH, WEBHOOK_SECRET } from '../harness/gateway';
import { metric, scrape } from '../harness/http';
import { type BaselineBackend, startBaselineBackend } from './baseline-backend';
import { type LoadServices, startExampleServices } from './example-services';
import { type EntryProcess, spawnEntry } from './spawn-entry';

/** A process's memory, as it reports it. */
export interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

/** One system under test, running. */
export interface Stack {
  /** `portcullis-shipped`: the stock `main.ts`, every limit as shipped. */
  readonly name: 'portcullis' | 'baseline' | 'portcullis-shipped';
  /** The full webhook URL. */
  readonly webhookUrl: string;
  /** Its process id, for CPU accounting. */
  readonly pid: number | undefined;
  /** Signed calls its backend answered 2xx so far. */
  backendServed(): number;
  /** Backend calls refused so far (bad signature, replay, errors). */
  backendRefused(): number;
  memory(): Promise<MemorySample>;
  /** The process's last output lines. */
  output(): string;
  stop(): Promise<void>;
}

/** The shared world of a run and the two stacks on it. */
export interface LoadWorld {
  readonly redis: RedisServer;
  readonly api: BotApiTestServer;
  readonly portcullis: Stack;
  readonly baseline: Stack;
  /** What the example backends answered so far (the Portcullis stacks' backends). */
  readonly exampleServices: Pick<LoadServices, 'served' | 'refused'>;
  /** The environment of a reference gateway on this world, listening on `port`. */
  gatewayEnv(port: number): Record<string, string>;
  /** `sendMessage` calls the Bot API server received since the last call (then forgets them). */
  takeSentMessages(): number;
  close(): Promise<void>;
}

/** Wraps a running process as a {@link Stack}. */
export function stackOf(
  name: Stack['name'],
  entry: Pick<EntryProcess, 'url' | 'child' | 'output' | 'stop'>,
  backend: Pick<LoadServices, 'served' | 'refused'>,
  memory: () => Promise<MemorySample>,
): Stack {
  return {
    name,
    webhookUrl: `${entry.url}${WEBHOOK_PATH}`,
    pid: entry.child.pid,
    backendServed: backend.served,
    backendRefused: backend.refused,
    memory,
    output: entry.output,
    stop: entry.stop,
  };
}

/** A gateway's memory from its `/metrics`. */
export async function gatewayMemory(url: string): Promise<MemorySample> {
  const text = await scrape(url);
  return {
    rssBytes: metric(text, 'process_resident_memory_bytes'),
    heapUsedBytes: metric(text, 'nodejs_heap_size_used_bytes'),
  };
}

/** Options of {@link startLoadWorld}. */
export interface LoadWorldOptions {
  /**
   * Run the Portcullis stacks without Redis, on their memory stores (rate
   * limits, dedup, conversations, outbound pacing): the embedded default,
   * which a Redis-backed run never puts under load. The baseline keeps Redis.
   * @default false
   */
  readonly embedded?: boolean;
}

/** Starts redis, the Bot API server, both backends and both stacks. Close it in `finally`. */
export async function startLoadWorld(options: LoadWorldOptions = {}): Promise<LoadWorld> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const api = await createBotApiTestServer({ token: BOT_TOKEN });
    cleanups.push(() => api.close());
    const services = await startExampleServices();
    cleanups.push(() => services.close());
    const backend: BaselineBackend = await startBaselineBackend();
    cleanups.push(() => backend.close());

    const envFor = (port: number) =>
      gatewayEnv({
        services: services.services,
        apiRoot: api.apiRoot,
        port,
        ...(options.embedded ? {} : { redisUrl: redis.url }),
        // The production default: the harness's 500 ms is for fault tests.
        extra: { SERVICE_TIMEOUT_MS: '3000', LOG_LEVEL: 'info' },
      });
    const gateway = await spawnEntry('portcullis-entry.ts', envFor(await freePort()));
    cleanups.push(() => gateway.stop());
    const portcullis = stackOf('portcullis', gateway, services, () => gatewayMemory(gateway.url));

    const bot = await spawnEntry('baseline-bot.ts', {
      PORT: String(await freePort()),
      API_ROOT: api.apiRoot,
      BOT_TOKEN,
      WEBHOOK_PATH,
      WEBHOOK_SECRET,
      REDIS_URL: redis.url,
      BACKEND_URL: backend.url,
    });
    cleanups.push(() => bot.stop());
    const baseline = stackOf('baseline', bot, backend, async () => {
      const usage = (await (await fetch(`${bot.url}/memory`)).json()) as NodeJS.MemoryUsage;
      return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
    });

    return {
      redis,
      api,
      portcullis,
      baseline,
      exampleServices: services,
      gatewayEnv: envFor,
      takeSentMessages() {
        const calls = api.calls as RecordedCall[];
        const sent = calls.filter((c) => c.method === 'sendMessage' && c.status === 200).length;
        // The test server records every call; a long run would hold them all.
        calls.length = 0;
        return sent;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
