/**
 * The scale-out system: the four backends, the test Bot API, a real 3-master
 * Redis Cluster, N gateway replicas (child processes of the real entry point)
 * sharing it, and the reference nginx in front of them.
 */
import type { Update } from '@grammyjs/types';
import { createBackends } from '@portcullis/example-gateway/src/backends';
import {
  type BotApiTestServer,
  createBotApiTestServer,
} from '@portcullis/telegram-adapter/testing';
import { freePort, type RedisCluster, startRedisCluster } from '@portcullis/testkit';
import { type Edge, startEdge } from './edge';
import { BOT_TOKEN, gatewayEnv, type Replica, spawnReplica } from './gateway';
import { metric, postUpdate } from './http';
import { type Services, SIGNING_KEY, startServices } from './services';

/**
 * `/metrics` of one replica. The operator endpoints share one per-address
 * limit across replicas (in Redis), so a scraper of every replica waits out
 * a 429 as Prometheus would on its next round.
 */
async function scrapeShared(baseUrl: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}/metrics`);
    if (response.ok) return response.text();
    await response.arrayBuffer();
    if (response.status !== 429 || attempt === 20)
      throw new Error(`/metrics answered ${response.status}`);
    const retryAfterS = Number(response.headers.get('retry-after') ?? 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterS, 1) * 1000));
  }
}

/** What {@link ScaleOut.start} builds. */
export interface ScaleOutOptions {
  /** Gateway replicas behind nginx. */
  readonly replicas: number;
  /** `DURABLE_INGEST=true` on every replica. @default false */
  readonly durable?: boolean;
  /** More environment for every replica. */
  readonly extra?: Record<string, string>;
}

/** The running system; parts are undefined until `start()` reached them. */
export interface ScaleOut {
  readonly services: Services;
  readonly api: BotApiTestServer;
  readonly cluster: RedisCluster;
  /** Comma-separated cluster seeds, as `REDIS_URL` takes them. */
  readonly redisUrl: string;
  readonly replicas: readonly Replica[];
  readonly edge: Edge;
  /** Starts every part; on failure what started stays registered for `stop()`. */
  start(options: ScaleOutOptions): Promise<void>;
  /**
   * Delivers `update` as Telegram would, through nginx or straight to
   * `replica`; resolves with the status. A callback query is registered with
   * the test Bot API first, so the bot can answer it.
   */
  send(update: Update, replica?: Replica): Promise<number>;
  /** The requests request-service holds for `telegramId`, asked with a signed call as the gateway would. */
  requestsOf(telegramId: number): Promise<{ total: number; items: Array<Record<string, unknown>> }>;
  /** The sum of `name` (with `labels`) over every replica still running. */
  total(name: string, labels?: Record<string, string>): Promise<number>;
  /** `name` (with `labels`) of each replica, in order; killed replicas count 0. */
  each(name: string, labels?: Record<string, string>): Promise<number[]>;
  /** Stops whatever started, in reverse order; never throws, safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A scale-out system to `start()` in `beforeAll` and `stop()` in `afterAll`:
 * stopping works after a partial start too, so nothing outlives a failed run.
 */
export function scaleOut(): ScaleOut {
  const stops: Array<() => Promise<void>> = [];
  const parts: {
    services?: Services;
    api?: BotApiTestServer;
    cluster?: RedisCluster;
    edge?: Edge;
  } = {};
  const replicas: Replica[] = [];
  const need = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`The scale-out system has no ${name}: start() first`);
    return part;
  };
  const alive = (replica: Replica) =>
    replica.child.exitCode === null && replica.child.signalCode === null;
  const each = async (name: string, labels: Record<string, string> = {}) =>
    Promise.all(
      replicas.map(async (replica) =>
        alive(replica) ? metric(await scrapeShared(replica.url), name, labels) : 0,
      ),
    );

  return {
    get services() {
      return need(parts.services, 'services');
    },
    get api() {
      return need(parts.api, 'Bot API');
    },
    get cluster() {
      return need(parts.cluster, 'Redis Cluster');
    },
    get redisUrl() {
      return this.cluster.startupNodes.map((n) => `redis://${n.host}:${n.port}`).join(',');
    },
    get replicas() {
      return replicas;
    },
    get edge() {
      return need(parts.edge, 'edge');
    },
    async start(options) {
      const services = await startServices();
      parts.services = services;
      stops.push(() => services.close());
      const api = await createBotApiTestServer({ token: BOT_TOKEN });
      parts.api = api;
      stops.push(() => api.close());
      const cluster = await startRedisCluster();
      parts.cluster = cluster;
      stops.push(() => cluster.stop());
      const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
      // One at a time: the two cores compile tsx faster in turn than all at once.
      for (const [index, port] of ports.entries()) {
        const replica = await spawnReplica(
          `replica-${index}`,
          gatewayEnv({
            services,
            apiRoot: api.apiRoot,
            port,
            redisUrl: this.redisUrl,
            durable: options.durable ?? false,
            extra: options.extra,
          }),
        );
        replicas.push(replica);
        stops.push(() => replica.stop());
      }
      const edge = await startEdge(ports);
      parts.edge = edge;
      stops.push(() => edge.stop());
      // Every replica set the webhook to itself; the tests deliver instead
      // (through nginx or to a chosen replica), so the test Bot API only keeps updates.
      const deleted = await fetch(`${api.apiRoot}/bot${BOT_TOKEN}/deleteWebhook`, {
        method: 'POST',
      });
      if (!deleted.ok) throw new Error(`deleteWebhook answered ${deleted.status}`);
    },
    send(update, replica) {
      if (update.callback_query) this.api.pushUpdate(update);
      return replica ? postUpdate(replica.url, update) : this.edge.postUpdate(update);
    },
    async requestsOf(telegramId) {
      const backends = createBackends({
        urls: this.services.urls,
        signing: { keyId: SIGNING_KEY.id, secret: SIGNING_KEY.secret },
      });
      try {
        return await backends.listRequests({ telegramId, limit: 10, offset: 0 });
      } finally {
        await backends.close();
      }
    },
    async total(name, labels) {
      return (await each(name, labels)).reduce((sum, value) => sum + value, 0);
    },
    each,
    async stop() {
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    },
  };
}
