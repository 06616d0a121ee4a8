import {
  CHANNELS,
  invalidOption,
  isPortcullisError,
  PortcullisError,
  publish,
} from '@portcullis/core';
import { TelegramApiError } from '../client/errors';
import { systemClock, type TimerHandle } from '../clock';
import { positive, positiveInteger } from './option-checks';
import { reserveWithin } from './pacer';
import type {
  OutboundCall,
  OutboundPriority,
  OutboundScheduler,
  OutboundSchedulerOptions,
} from './scheduler-types';
import { SlidingLog } from './sliding-log';
import { TokenBucket } from './token-bucket';

export type {
  OutboundCall,
  OutboundPriority,
  OutboundScheduler,
  OutboundSchedulerOptions,
} from './scheduler-types';

const LANES: readonly OutboundPriority[] = ['reply', 'normal', 'broadcast'];
/** Per-chat state held before idle entries are swept. */
const SWEEP_FLOOR = 1000;

interface Job {
  /** Arrival order, to put a call back among later ones. */
  readonly order: number;
  readonly key: string | undefined;
  readonly group: boolean;
  readonly limited: boolean;
  readonly lane: OutboundPriority;
  readonly deadline: number;
  readonly enqueuedAt: number;
  readonly send: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  attempts: number;
  /** The timer of a call waiting for its pacer slot. */
  slotTimer?: TimerHandle;
}

const GLOBAL = '*';

/**
 * Creates the outbound scheduler every Bot API call of a bot goes through.
 *
 * @example
 * ```ts
 * const scheduler = createOutboundScheduler({ globalPerSecond: 30 });
 * await scheduler.schedule({ chatId: 42, limited: true, priority: 'reply' }, () =>
 *   api.call('sendMessage', { chat_id: 42, text: 'hi' }),
 * );
 * ```
 */
export function createOutboundScheduler(options: OutboundSchedulerOptions = {}): OutboundScheduler {
  const clock = options.clock ?? systemClock;
  const perChat = positive('perChatPerSecond', options.perChatPerSecond ?? 1) / 1000;
  const perGroup = positiveInteger('perGroupPerMinute', options.perGroupPerMinute ?? 20);
  const globalRate = positiveInteger('globalPerSecond', options.globalPerSecond ?? 30);
  const maxQueue = positive('maxQueueSize', options.maxQueueSize ?? 1000);
  const maxRetryAfter = positive('maxRetryAfterSeconds', options.maxRetryAfterSeconds ?? 60);
  const defaultDeadline = positive('defaultDeadlineMs', options.defaultDeadlineMs ?? 30_000);
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? 3);
  const pacer = options.pacer;
  if (pacer !== undefined && typeof pacer?.reserve !== 'function')
    throw invalidOption('pacer', 'an object with reserve()', pacer);
  const pacerTimeout = positive('pacerTimeoutMs', options.pacerTimeoutMs ?? 1000);
  const pacerBackoff = positive('pacerBackoffMs', options.pacerBackoffMs ?? 5000);

  const lanes = new Map<OutboundPriority, Job[]>(LANES.map((lane) => [lane, []]));
  const chatBuckets = new Map<string, TokenBucket>();
  const groupLogs = new Map<string, SlidingLog>();
  const global = new SlidingLog(globalRate, 1000);
  const cooldowns = new Map<string, number>();
  let depth = 0;
  // Size of the per-chat maps that triggers a sweep; doubles with what a sweep keeps.
  let sweepAbove = SWEEP_FLOOR;
  let timer: TimerHandle | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let closed = false;
  // Scopes whose call is reserving or waiting for its pacer slot; later calls
  // of the scope wait behind it, so a chat's order holds.
  const pacing = new Map<string, Job>();
  let pacerDownUntil = 0;
  let arrivals = 0;

  const bucket = (
    map: Map<string, TokenBucket>,
    key: string,
    capacity: number,
    perMs: number,
    now: number,
  ) => {
    let found = map.get(key);
    if (!found) {
      found = new TokenBucket(capacity, perMs, now);
      map.set(key, found);
    }
    return found;
  };

  function cooldownOf(job: Job, now: number): number {
    let wait = Math.max(0, (cooldowns.get(GLOBAL) ?? 0) - now);
    if (job.key !== undefined) wait = Math.max(wait, (cooldowns.get(job.key) ?? 0) - now);
    return wait;
  }

  function waitMs(job: Job, now: number): number {
    let wait = cooldownOf(job, now);
    if (!job.limited || wait > 0) return wait;
    wait = global.waitMs(now);
    if (job.key !== undefined) {
      wait = Math.max(wait, bucket(chatBuckets, job.key, 1, perChat, now).waitMs(now));
      if (job.group) {
        let log = groupLogs.get(job.key);
        if (!log) {
          log = new SlidingLog(perGroup, 60_000);
          groupLogs.set(job.key, log);
        }
        wait = Math.max(wait, log.waitMs(now));
      }
    }
    return wait;
  }

  function take(job: Job, now: number): void {
    if (job.limited) {
      global.take(now);
      if (job.key !== undefined) {
        chatBuckets.get(job.key)?.take(now);
        if (job.group) groupLogs.get(job.key)?.take(now);
      }
    }
  }

  /** Starts a call its local limits let go: at once, or after its pacer slot. */
  function dispatch(job: Job, now: number): void {
    take(job, now);
    if (pacer === undefined || !job.limited || now < pacerDownUntil) {
      depth--;
      send(job, now);
      return;
    }
    // Still counted in `depth`: it waits, only now for its shared slot.
    pacing.set(job.key ?? GLOBAL, job);
    const request = {
      chatId: job.key,
      group: job.group,
      maxWaitMs: Math.max(0, job.deadline - now),
    };
    reserveWithin(pacer, request, pacerTimeout, clock).then(
      (slot) => {
        if (closed) return;
        if (!slot.reserved) {
          finishPacing(job);
          job.reject(deadlineError(job, `its shared slot was ${slot.waitMs} ms away`));
          pump();
          return;
        }
        // Counted from the request, not the answer, so the send lands on its
        // slot rather than one round trip after it.
        const due = now + slot.waitMs - clock.now();
        if (due <= 0) release(job);
        else job.slotTimer = clock.setTimeout(() => release(job), due);
      },
      (error: unknown) => {
        if (closed) return;
        pacerDownUntil = clock.now() + pacerBackoff;
        publish(CHANNELS.error, () => ({
          code: isPortcullisError(error) ? error.code : 'rate_limiter_unavailable',
          where: 'outbound',
        }));
        release(job);
      },
    );
  }

  function finishPacing(job: Job): void {
    job.slotTimer = undefined;
    pacing.delete(job.key ?? GLOBAL);
    depth--;
  }

  /** Sends a call whose pacer slot has come (or whose pacer failed). */
  function release(job: Job): void {
    const now = clock.now();
    if (cooldownOf(job, now) > 0) {
      // A 429 of its chat came back while it waited: it waits out the
      // cooldown in its lane, before later calls, then reserves a new slot.
      job.slotTimer = undefined;
      pacing.delete(job.key ?? GLOBAL);
      const lane = lanes.get(job.lane)!;
      const later = lane.findIndex((other) => other.order > job.order);
      lane.splice(later === -1 ? lane.length : later, 0, job);
    } else {
      finishPacing(job);
      if (now > job.deadline) job.reject(deadlineError(job, 'it waited for its shared slot'));
      else send(job, now);
    }
    pump();
  }

  function deadlineError(job: Job, why: string): PortcullisError {
    return new PortcullisError(
      'outbound_deadline_exceeded',
      `Outbound call cannot be sent within its deadline of ${job.deadline - job.enqueuedAt} ms: ${why}`,
    );
  }

  function send(job: Job, now: number): void {
    publish(CHANNELS.outboundQueue, () => ({
      action: 'sent',
      lane: job.lane,
      depth,
      waitMs: now - job.enqueuedAt,
    }));
    job.attempts++;
    job.send().then(job.resolve, (error: unknown) => onFailure(job, error));
  }

  function onFailure(job: Job, error: unknown): void {
    const retryAfter = error instanceof TelegramApiError ? error.retryAfterSeconds : undefined;
    if (retryAfter === undefined || closed) {
      job.reject(error);
      return;
    }
    const scope = job.key ?? GLOBAL;
    const now = clock.now();
    const until = now + Math.min(retryAfter, maxRetryAfter) * 1000;
    cooldowns.set(scope, Math.max(cooldowns.get(scope) ?? 0, until));
    publish(CHANNELS.outboundQueue, () => ({ action: 'cooldown', lane: job.lane, depth }));
    if (retryAfter > maxRetryAfter || job.attempts >= maxAttempts || until > job.deadline) {
      job.reject(error);
      return;
    }
    // Back to the head of its lane: it keeps its place before later calls of its chat.
    lanes.get(job.lane)!.unshift(job);
    depth++;
    pump();
  }

  function pump(): void {
    if (closed) return;
    const now = clock.now();
    let next = Number.POSITIVE_INFINITY;
    const blocked = new Set<string | undefined>();
    for (const lane of LANES) {
      const jobs = lanes.get(lane)!;
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i]!;
        if (now >= job.deadline) {
          jobs.splice(i--, 1);
          depth--;
          publish(CHANNELS.outboundQueue, () => ({ action: 'expired', lane, depth }));
          job.reject(
            new PortcullisError(
              'outbound_deadline_exceeded',
              `Outbound call waited past its deadline of ${job.deadline - job.enqueuedAt} ms`,
            ),
          );
          continue;
        }
        const scope = job.key ?? GLOBAL;
        if (blocked.has(scope) || pacing.has(scope)) continue;
        const wait = waitMs(job, now);
        if (wait > 0) {
          blocked.add(scope);
          next = Math.min(next, now + wait, job.deadline);
          continue;
        }
        jobs.splice(i--, 1);
        dispatch(job, now);
      }
    }
    if (next < timerAt || (timer !== undefined && next === Number.POSITIVE_INFINITY)) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = next;
      if (next !== Number.POSITIVE_INFINITY)
        timer = clock.setTimeout(() => {
          timer = undefined;
          timerAt = Number.POSITIVE_INFINITY;
          pump();
        }, next - now);
    }
    if (depth === 0 || chatBuckets.size > sweepAbove || groupLogs.size > sweepAbove) sweep(now);
  }

  function sweep(now: number): void {
    // Forget idle state so many chats do not grow the maps without bound. A
    // full bucket and an idle log equal fresh ones, so forgetting them changes
    // no decision. Steady traffic never empties the queue, so a sweep also
    // runs whenever a map doubled since the last one (amortised O(1) per call).
    if (chatBuckets.size > SWEEP_FLOOR)
      for (const [k, b] of chatBuckets) if (b.isFull(now)) chatBuckets.delete(k);
    if (groupLogs.size > SWEEP_FLOOR)
      for (const [k, log] of groupLogs) if (log.isIdle(now)) groupLogs.delete(k);
    for (const [k, until] of cooldowns) if (until <= now) cooldowns.delete(k);
    sweepAbove = Math.max(SWEEP_FLOOR, 2 * Math.max(chatBuckets.size, groupLogs.size));
  }

  return {
    schedule<T>(call: OutboundCall, send: () => Promise<T>): Promise<T> {
      if (closed)
        return Promise.reject(
          new PortcullisError('outbound_queue_full', 'Outbound scheduler is closed'),
        );
      const lane = call.priority ?? 'normal';
      if (depth >= maxQueue) {
        publish(CHANNELS.outboundQueue, () => ({ action: 'rejected', lane, depth }));
        return Promise.reject(
          new PortcullisError(
            'outbound_queue_full',
            `Outbound queue is full (${maxQueue} calls waiting)`,
          ),
        );
      }
      const now = clock.now();
      const key = call.chatId === undefined ? undefined : String(call.chatId);
      return new Promise<T>((resolve, reject) => {
        const job: Job = {
          order: ++arrivals,
          key,
          group: key !== undefined && (key.startsWith('-') || key.startsWith('@')),
          limited: call.limited === true,
          lane,
          deadline: now + (call.deadlineMs ?? defaultDeadline),
          enqueuedAt: now,
          send,
          resolve: resolve as (value: unknown) => void,
          reject,
          attempts: 0,
        };
        // Fast path: nothing waiting and nothing in the way.
        if (depth === 0 && waitMs(job, now) === 0) {
          depth++;
          dispatch(job, now);
          return;
        }
        lanes.get(lane)!.push(job);
        depth++;
        publish(CHANNELS.outboundQueue, () => ({ action: 'enqueued', lane, depth }));
        pump();
      });
    },
    get trackedChats() {
      return chatBuckets.size + groupLogs.size;
    },
    get depth() {
      return depth;
    },
    cooldownUntil(chatId) {
      return cooldowns.get(chatId === undefined ? GLOBAL : String(chatId)) ?? 0;
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      for (const jobs of lanes.values())
        for (const job of jobs.splice(0))
          job.reject(new PortcullisError('outbound_queue_full', 'Outbound scheduler closed'));
      for (const job of pacing.values()) {
        if (job.slotTimer !== undefined) clock.clearTimeout(job.slotTimer);
        job.reject(new PortcullisError('outbound_queue_full', 'Outbound scheduler closed'));
      }
      pacing.clear();
      depth = 0;
    },
  };
}
