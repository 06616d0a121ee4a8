import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Update } from '@grammyjs/types';
import { invalidOption, PortcullisError } from '@portcullis/core';
import type {
  DurableUpdateHandler,
  DurableUpdateQueue,
  DurableUpdateQueueOptions,
} from './durable-types';
import { luaScript, runScript } from './redis-script';
import { acquireLease, releaseLease } from './shard-lease';
import { orderingKeyOf, shardOf } from './update-shard';

export type {
  DeadLetter,
  DurableUpdateHandler,
  DurableUpdateQueue,
  DurableUpdateQueueOptions,
} from './durable-types';

type StreamEntry = [id: string, fields: string[]];

// Acknowledge and delete in one round trip: handled entries leave the stream,
// so a backlog only ever holds unhandled updates.
const ACK_AND_DELETE = luaScript(`
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])`);

// Refuse, rather than trim, when the backlog is full: trimming would drop
// updates Telegram already considers delivered.
const BOUNDED_ADD = luaScript(`
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], '*', 'u', ARGV[2])`);

/**
 * A durable ingest queue on Redis Streams: updates are appended before they
 * are acknowledged to Telegram, then handled by any replica.
 *
 * - Sharded by chat: all updates of one chat go to one stream, and each
 *   stream is consumed by exactly one replica at a time (a lease), one entry
 *   at a time, so a chat's updates are handled in order across replicas.
 * - Replicas balance shards among themselves; a crashed replica's lease
 *   expires after `leaseMs` and another replica claims its pending entries
 *   (XAUTOCLAIM) before reading new ones.
 * - An update is acknowledged (and deleted) only after its handler resolved;
 *   after `maxAttempts` deliveries it moves to the shard's dead-letter stream.
 * - Each command touches keys of one shard only (one hash tag), so it runs on
 *   Redis Cluster unchanged.
 *
 * A lease holder that stalls past `leaseMs` may overlap with its successor:
 * pair the queue with update dedup (claim per `update_id`) for exactly-once
 * handling.
 *
 * @example
 * ```ts
 * const queue = createDurableUpdateQueue({ redis: new Redis(process.env.REDIS_URL) });
 * queue.start(bot.queueHandler()); // dedup, per-chat order and deadlines still apply
 * // in the webhook: createWebhookHandler({ durable: queue, secretToken })
 * ```
 */
export function createDurableUpdateQueue(options: DurableUpdateQueueOptions): DurableUpdateQueue {
  const settings = resolveOptions(options);
  const { redis, prefix, shards, group, consumerId } = settings;
  const owned = new Set<number>();
  // Shards given back whose worker is still finishing its entry: their lease
  // is renewed until it stops, so no one else reads the shard meanwhile.
  const handingBack = new Set<number>();
  const workers = new Map<number, Promise<void>>();
  const groupsReady = new Set<number>();
  const consumersKey = `${prefix}:consumers`;
  let handler: DurableUpdateHandler | undefined;
  let running = false;
  let maintenanceTimer: NodeJS.Timeout | undefined;
  const wakers = new Set<() => void>();

  const keysOf = (shard: number) => {
    const tag = `{${prefix}:${shard}}`;
    return { stream: `${tag}:stream`, lease: `${tag}:lease`, dead: `${tag}:dead` };
  };

  async function ensureGroup(shard: number): Promise<void> {
    if (groupsReady.has(shard)) return;
    try {
      await redis.call('XGROUP', 'CREATE', keysOf(shard).stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    groupsReady.add(shard);
  }

  async function maintainLeases(): Promise<void> {
    const now = Date.now();
    await redis.call('ZADD', consumersKey, now, consumerId);
    await redis.call('ZREMRANGEBYSCORE', consumersKey, '-inf', now - settings.leaseMs);
    const live = Math.max(1, Number(await redis.call('ZCARD', consumersKey)));
    const target = Math.ceil(shards / live);
    for (const shard of [...owned]) {
      if (!(await acquireLease(redis, keysOf(shard).lease, consumerId, settings.leaseMs)))
        owned.delete(shard);
    }
    for (const shard of handingBack)
      await acquireLease(redis, keysOf(shard).lease, consumerId, settings.leaseMs);
    // Give back what is above our fair share so a new replica gets work.
    for (const shard of [...owned].slice(target)) handBack(shard);
    const candidates = Array.from({ length: shards }, (_, shard) => shard).sort(
      () => Math.random() - 0.5,
    );
    for (const shard of candidates) {
      if (owned.size >= target) break;
      if (owned.has(shard) || handingBack.has(shard)) continue;
      if (await acquireLease(redis, keysOf(shard).lease, consumerId, settings.leaseMs)) {
        await ensureGroup(shard);
        owned.add(shard);
        startWorker(shard);
      }
    }
  }

  /**
   * Stops working on `shard` and releases its lease once its worker has
   * finished the entry in hand. Not awaited: waiting here (a handler can run
   * for its whole deadline) would hold up the renewal of every other lease
   * until they lapse and another replica reads those shards too.
   */
  function handBack(shard: number): void {
    owned.delete(shard);
    handingBack.add(shard);
    const release = () => {
      if (!running) return; // stop() releases it with the rest
      handingBack.delete(shard);
      releaseLease(redis, keysOf(shard).lease, consumerId).catch(() => undefined);
    };
    const worker = workers.get(shard);
    if (worker === undefined) release();
    else void worker.finally(release);
  }

  function scheduleMaintenance(): void {
    maintenanceTimer = setTimeout(async () => {
      try {
        await maintainLeases();
      } catch {
        // Redis unavailable: keep what we hold until the lease expires; retry next round.
      }
      if (running) scheduleMaintenance();
    }, settings.leaseMs / 3);
  }

  function startWorker(shard: number): void {
    if (workers.has(shard)) return;
    const work = runShard(shard).finally(() => workers.delete(shard));
    workers.set(shard, work);
  }

  async function runShard(shard: number): Promise<void> {
    let recovering = true;
    while (running && owned.has(shard)) {
      try {
        if (recovering) {
          groupsReady.delete(shard); // Redis may have restarted without our group
          await ensureGroup(shard);
          await claimPending(shard);
          recovering = false;
        }
        if (!(await readNew(shard))) await idle(settings.pollIntervalMs);
      } catch {
        // Redis failed mid-way: entries may be pending unacknowledged. Claim
        // them again before reading new ones, so order and delivery hold.
        recovering = true;
        await idle(Math.max(settings.pollIntervalMs, 250));
      }
    }
  }

  /** Handles what earlier holders (or we, before a Redis failure) left unacknowledged, oldest first. */
  async function claimPending(shard: number): Promise<void> {
    const { stream } = keysOf(shard);
    let cursor = '0-0';
    do {
      if (!running || !owned.has(shard)) return;
      const [next, entries] = (await redis.call(
        'XAUTOCLAIM',
        stream,
        group,
        consumerId,
        0,
        cursor,
        'COUNT',
        settings.batchSize,
      )) as [string, StreamEntry[]];
      for (const entry of entries) {
        if (!running || !owned.has(shard)) return;
        await handleEntry(shard, entry, await deliveriesOf(stream, entry[0]));
      }
      cursor = next;
    } while (cursor !== '0-0');
  }

  /** Reads and handles new entries; false when there were none. */
  async function readNew(shard: number): Promise<boolean> {
    const reply = (await redis.call(
      'XREADGROUP',
      'GROUP',
      group,
      consumerId,
      'COUNT',
      settings.batchSize,
      'STREAMS',
      keysOf(shard).stream,
      '>',
    )) as Array<[string, StreamEntry[]]> | null;
    const entries = reply?.[0]?.[1] ?? [];
    for (const entry of entries) {
      if (!running || !owned.has(shard)) break;
      await handleEntry(shard, entry, 1);
    }
    return entries.length > 0;
  }

  async function deliveriesOf(stream: string, id: string): Promise<number> {
    const pending = (await redis.call('XPENDING', stream, group, id, id, 1)) as Array<
      [string, string, number, number]
    >;
    return pending[0]?.[3] ?? 1;
  }

  async function handleEntry(
    shard: number,
    [id, fields]: StreamEntry,
    deliveries: number,
  ): Promise<void> {
    const { stream, dead } = keysOf(shard);
    const raw = fields[fields.indexOf('u') + 1] ?? 'null';
    let attempts = deliveries;
    let lastError = 'unparseable entry';
    let update: Update | undefined;
    try {
      update = JSON.parse(raw) as Update;
    } catch {
      attempts = settings.maxAttempts; // malformed: retrying cannot help
    }
    while (update !== undefined && attempts <= settings.maxAttempts) {
      try {
        await handler!(update);
        await runScript(redis, ACK_AND_DELETE, stream, group, id);
        return;
      } catch (error) {
        lastError =
          error instanceof Error
            ? `${error.name}: ${error.message}`.slice(0, 200)
            : 'non-error thrown';
        if (attempts >= settings.maxAttempts) break;
        attempts++;
        // Leave it pending: the shard's next holder claims and retries it.
        if (!running || !owned.has(shard)) return;
        await idle(settings.retryDelayMs * attempts);
      }
    }
    await redis.call(
      'XADD',
      dead,
      'MAXLEN',
      '~',
      10_000,
      '*',
      'u',
      raw,
      'attempts',
      attempts,
      'error',
      lastError,
      'source',
      id,
    );
    await runScript(redis, ACK_AND_DELETE, stream, group, id);
  }

  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });
  }

  return {
    async enqueue(update) {
      const shard = shardOf(orderingKeyOf(update), shards);
      const id = await runScript(
        redis,
        BOUNDED_ADD,
        keysOf(shard).stream,
        settings.maxBacklog,
        JSON.stringify(update),
      );
      if (typeof id !== 'string') {
        throw new PortcullisError(
          'ingest_backlog_full',
          `Ingest shard ${shard} holds ${settings.maxBacklog} unhandled updates`,
          {
            details: { shard },
          },
        );
      }
      return id;
    },
    start(updateHandler) {
      if (running) throw new Error('The durable update queue is already started');
      handler = updateHandler;
      running = true;
      maintainLeases()
        .catch(() => undefined)
        .finally(() => running && scheduleMaintenance());
    },
    async stop({ drainTimeoutMs = 10_000 } = {}) {
      if (!running) return;
      running = false;
      clearTimeout(maintenanceTimer);
      for (const wakeUp of [...wakers]) wakeUp();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...workers.values()]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, drainTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      for (const shard of [...owned, ...handingBack])
        await releaseLease(redis, keysOf(shard).lease, consumerId).catch(() => undefined);
      owned.clear();
      handingBack.clear();
      await redis.call('ZREM', consumersKey, consumerId).catch(() => undefined);
    },
    ownedShards: () => [...owned].sort((a, b) => a - b),
    async deadLetters(shard, count = 100) {
      const entries = (await redis.call(
        'XREVRANGE',
        keysOf(shard).dead,
        '+',
        '-',
        'COUNT',
        count,
      )) as StreamEntry[];
      return entries.map(([id, fields]) => {
        const get = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
        let update: Update;
        try {
          update = JSON.parse(get('u')) as Update;
        } catch {
          update = { update_id: -1 } as Update;
        }
        return { id, update, attempts: Number(get('attempts')), error: get('error') };
      });
    },
    keysOf,
    shardOf: (update) => shardOf(orderingKeyOf(update), shards),
  };
}

function resolveOptions(options: DurableUpdateQueueOptions) {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value <= 0)
      throw invalidOption(name, 'a positive integer', value);
    return value;
  };
  return {
    redis: options.redis,
    prefix: options.prefix ?? 'portcullis:ingest',
    shards: positive('shards', options.shards ?? 16),
    group: options.group ?? 'gateway',
    consumerId:
      options.consumerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    leaseMs: positive('leaseMs', options.leaseMs ?? 15_000),
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? 100),
    batchSize: positive('batchSize', options.batchSize ?? 32),
    maxAttempts: positive('maxAttempts', options.maxAttempts ?? 5),
    retryDelayMs: positive('retryDelayMs', options.retryDelayMs ?? 250),
    maxBacklog: positive('maxBacklog', options.maxBacklog ?? 100_000),
  };
}
