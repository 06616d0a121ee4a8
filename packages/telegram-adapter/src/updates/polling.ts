import type { Update } from '@grammyjs/types';
import {
  CHANNELS,
  invalidOption,
  isPortcullisError,
  PortcullisError,
  publish,
} from '@portcullis/core';
import type { ApiClient } from '../client/api-client';
import { TelegramApiError } from '../client/errors';
import { type Clock, systemClock } from '../clock';
import type { UpdateOutcome, UpdatePipeline } from './update-pipeline';
import type { UpdateType } from './update-type';

/** Options of {@link createPoller}. */
export interface PollerOptions {
  /** The raw client (getUpdates is not flood-limited). */
  readonly api: ApiClient;
  readonly pipeline: UpdatePipeline;
  /** Updates per getUpdates (1–100). @default 100 */
  readonly limit?: number;
  /** Long-poll timeout in seconds. @default 30 */
  readonly timeoutSeconds?: number;
  /** Update types to receive; omit to keep Telegram's previous setting. */
  readonly allowedUpdates?: readonly UpdateType[];
  /** Unsettled updates at most before polling pauses (back-pressure). @default 1000 */
  readonly maxInFlight?: number;
  /** Wait after a 409 Conflict (another poller or a webhook). @default 5000 */
  readonly conflictDelayMs?: number;
  /** Longest back-off after network failures. @default 30000 */
  readonly maxBackoffMs?: number;
  /** Wait before re-fetching an update another worker holds. @default 1000 */
  readonly busyRetryMs?: number;
  /** Called with every polling error (they never crash the loop). */
  readonly onError?: (error: unknown) => void;
  /** Time source for back-offs. @default the real clock */
  readonly clock?: Clock;
}

/** Options of {@link Poller.stop}. */
export interface StopOptions {
  /** Time in-flight handlers get before the offset is confirmed without them. @default 10000 */
  readonly drainTimeoutMs?: number;
}

/** A long-polling update source that acknowledges only handled updates. */
export interface Poller {
  /** Starts the loop; resolves when it stops (rejects only for 401 Unauthorized). */
  start(): Promise<void>;
  /** Stops fetching, drains in-flight handlers up to the deadline, then confirms the offset. */
  stop(options?: StopOptions): Promise<void>;
  /** The offset the next getUpdates sends: the oldest update not yet handled, or newest + 1. */
  readonly offset: number | undefined;
  readonly running: boolean;
}

function nonNegative(name: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min)
    throw invalidOption(name, min === 0 ? 'a non-negative integer' : 'a positive integer', value);
  return value;
}

/**
 * Creates a long poller. `offset` advances only past updates whose handling
 * settled, so a crash or a stop re-delivers instead of losing; re-delivered
 * updates already handled are dropped by the pipeline's dedup.
 */
export function createPoller(options: PollerOptions): Poller {
  const { api, pipeline } = options;
  const clock = options.clock ?? systemClock;
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidOption('limit', 'an integer from 1 to 100', limit);
  const timeoutSeconds = nonNegative('timeoutSeconds', options.timeoutSeconds ?? 30);
  const maxInFlight = nonNegative('maxInFlight', options.maxInFlight ?? 1000, 1);
  const conflictDelayMs = nonNegative('conflictDelayMs', options.conflictDelayMs ?? 5000);
  const maxBackoffMs = nonNegative('maxBackoffMs', options.maxBackoffMs ?? 30_000, 1);
  const busyRetryMs = nonNegative('busyRetryMs', options.busyRetryMs ?? 1000, 1);

  const pending = new Set<number>(); // received, not settled
  const settled = new Set<number>(); // settled, not yet below the confirmed offset
  const retry = new Set<number>(); // not handled here (busy elsewhere, store failed): fetch again
  let newest: number | undefined;
  let confirmed: number | undefined; // offset of the last getUpdates Telegram answered
  let running = false;
  let loop: Promise<void> | undefined;
  let fetchAbort: AbortController | undefined;
  let wake: (() => void) | undefined;
  let sleepTimer: unknown;

  const nextOffset = (): number | undefined => {
    if (newest === undefined) return undefined;
    let lowest = newest + 1;
    for (const id of pending) if (id < lowest) lowest = id;
    for (const id of retry) if (id < lowest) lowest = id;
    return lowest;
  };
  const prune = (offset: number) => {
    for (const id of settled) if (id < offset) settled.delete(id);
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      sleepTimer = clock.setTimeout(resolve, ms);
    }).finally(() => {
      clock.clearTimeout(sleepTimer);
      wake = undefined;
    });
  const report = (error: unknown) => {
    publish(CHANNELS.error, () => ({
      code: isPortcullisError(error) ? error.code : 'internal',
      where: 'polling',
    }));
    options.onError?.(error);
  };

  function accept(update: Update): void {
    const id = update.update_id;
    retry.delete(id);
    pending.add(id);
    if (newest === undefined || id > newest) newest = id;
    void pipeline.process(update, 'polling').then(
      (outcome: UpdateOutcome) => {
        pending.delete(id);
        if (outcome === 'busy') {
          // Keep it unconfirmed; fetch it again later, when the other worker may be done or gone.
          retry.add(id);
          return;
        }
        settled.add(id);
        wake?.();
      },
      (error: unknown) => {
        // The dedup store failed: leave the update unconfirmed and retry it later.
        report(error);
        pending.delete(id);
        retry.add(id);
      },
    );
  }

  async function run(): Promise<void> {
    let backoff = 0;
    while (running) {
      if (pending.size >= maxInFlight) {
        await sleep(busyRetryMs);
        continue;
      }
      const offset = nextOffset();
      fetchAbort = new AbortController();
      let updates: Update[];
      try {
        updates = await api.call(
          'getUpdates',
          {
            ...(offset === undefined ? {} : { offset }),
            limit,
            timeout: timeoutSeconds,
            ...(options.allowedUpdates ? { allowed_updates: options.allowedUpdates } : {}),
          },
          { signal: fetchAbort.signal },
        );
        backoff = 0;
        if (offset !== undefined) {
          confirmed = offset;
          prune(offset);
        }
      } catch (error) {
        if (!running) break;
        if (error instanceof TelegramApiError && error.errorCode === 401) {
          running = false;
          throw error;
        }
        let delay: number;
        if (error instanceof TelegramApiError && error.errorCode === 409) {
          report(
            new PortcullisError(
              'polling_conflict',
              'getUpdates answered 409 Conflict: another poller or a webhook is active',
              { cause: error },
            ),
          );
          delay = conflictDelayMs;
        } else if (error instanceof TelegramApiError && error.retryAfterSeconds !== undefined) {
          report(error);
          delay = error.retryAfterSeconds * 1000;
        } else {
          report(error);
          backoff = Math.min(maxBackoffMs, backoff === 0 ? 500 : backoff * 2);
          delay = backoff;
        }
        await sleep(delay);
        continue;
      }
      let fresh = 0;
      let retried = 0;
      for (const update of updates) {
        if (pending.has(update.update_id) || settled.has(update.update_id)) continue;
        if (retry.has(update.update_id)) retried++;
        fresh++;
        accept(update);
      }
      // Only re-deliveries of updates still in hand, or only retries of busy ones: pause instead of spinning.
      if (updates.length > 0 && fresh === retried && running) await sleep(busyRetryMs);
    }
  }

  return {
    start() {
      if (running) return loop!;
      running = true;
      loop = run();
      return loop;
    },
    async stop(stopOptions = {}) {
      if (!running && loop === undefined) return;
      running = false;
      fetchAbort?.abort();
      wake?.();
      await loop?.catch(() => {});
      loop = undefined;
      const deadline = clock.now() + (stopOptions.drainTimeoutMs ?? 10_000);
      while (pending.size > 0 && clock.now() < deadline)
        await sleep(Math.min(50, deadline - clock.now()));
      const offset = nextOffset();
      if (offset === undefined || offset === confirmed) return;
      try {
        // Confirms everything below the offset; returned updates stay unconfirmed.
        await api.call('getUpdates', { offset, limit: 1, timeout: 0 });
        confirmed = offset;
        prune(offset);
      } catch (error) {
        report(error);
      }
    },
    get offset() {
      return nextOffset();
    },
    get running() {
      return running;
    },
  };
}
