import {
  CHANNELS,
  invalidOption,
  isPortcullisError,
  PortcullisError,
  publish,
} from '@portcullis/core';
import { TelegramApiError } from '../client/errors';
import { systemClock, type TimerHandle } from '../clock';
import { FloodLimits, GLOBAL_SCOPE } from './flood-limits';
import { Lanes } from './lanes';
import { positive, positiveInteger } from './option-checks';
import { reserveWithin } from './pacer';
import type {
  OutboundCall,
  OutboundPriority,
  OutboundScheduler,
  OutboundSchedulerOptions,
} from './scheduler-types';

export type {
  OutboundCall,
  OutboundPriority,
  OutboundScheduler,
  OutboundSchedulerOptions,
} from './scheduler-types';

const LANES: readonly OutboundPriority[] = ['reply', 'normal', 'broadcast'];

interface Job {
  /** Arrival order, to put a call back among later ones. */
  readonly order: number;
  readonly key: string | undefined;
  /** `key`, or the global scope for calls without a chat. */
  readonly scope: string;
  readonly laneIndex: number;
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
  const limits = new FloodLimits({
    perChatPerMs: positive('perChatPerSecond', options.perChatPerSecond ?? 1) / 1000,
    perGroupPerMinute: positiveInteger('perGroupPerMinute', options.perGroupPerMinute ?? 20),
    globalPerSecond: positiveInteger('globalPerSecond', options.globalPerSecond ?? 30),
  });
  const maxQueue = positive('maxQueueSize', options.maxQueueSize ?? 1000);
  const maxRetryAfter = positive('maxRetryAfterSeconds', options.maxRetryAfterSeconds ?? 60);
  const defaultDeadline = positive('defaultDeadlineMs', options.defaultDeadlineMs ?? 30_000);
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? 3);
  const pacer = options.pacer;
  if (pacer !== undefined && typeof pacer?.reserve !== 'function')
    throw invalidOption('pacer', 'an object with reserve()', pacer);
  const pacerTimeout = positive('pacerTimeoutMs', options.pacerTimeoutMs ?? 1000);
  const pacerBackoff = positive('pacerBackoffMs', options.pacerBackoffMs ?? 5000);

  const lanes = new Lanes<Job>(LANES.length);
  let depth = 0;
  let timer: TimerHandle | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let closed = false;
  // Scopes whose call is reserving or waiting for its pacer slot; later calls
  // of the scope wait behind it, so a chat's order holds.
  const pacing = new Map<string, Job>();
  let pacerDownUntil = 0;
  let arrivals = 0;
  // A pump that starts while one runs (a subscriber scheduling from an event)
  // is folded into the running one.
  let pumping = false;
  let pumpAgain = false;

  /** Starts a call its local limits let go: at once, or after its pacer slot. */
  function dispatch(job: Job, now: number): void {
    limits.take(job, now);
    if (pacer === undefined || !job.limited || now < pacerDownUntil) {
      depth--;
      send(job, now);
      return;
    }
    // Still counted in `depth`: it waits, only now for its shared slot.
    pacing.set(job.scope, job);
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
    pacing.delete(job.scope);
    depth--;
  }

  /** Sends a call whose pacer slot has come (or whose pacer failed). */
  function release(job: Job): void {
    const now = clock.now();
    if (limits.cooldownMs(job, now) > 0) {
      // A 429 of its chat came back while it waited: it waits out the
      // cooldown in its lane, before later calls, then reserves a new slot.
      job.slotTimer = undefined;
      pacing.delete(job.scope);
      lanes.insertByOrder(job);
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
    const scope = job.scope;
    const now = clock.now();
    const until = now + Math.min(retryAfter, maxRetryAfter) * 1000;
    limits.coolDown(scope, until);
    publish(CHANNELS.outboundQueue, () => ({ action: 'cooldown', lane: job.lane, depth }));
    if (retryAfter > maxRetryAfter || job.attempts >= maxAttempts || until > job.deadline) {
      job.reject(error);
      return;
    }
    // Back to the head of its lane: it keeps its place before later calls of its chat.
    lanes.unshift(job);
    depth++;
    pump();
  }

  /**
   * Sends every waiting call its limits let go, in lane order, expires calls
   * past their deadline, and sets the timer for the next call that becomes
   * ready. Between pumps no waiting call becomes ready before that timer.
   */
  function pump(): void {
    if (closed) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        pumpOnce();
      } while (pumpAgain && !closed);
    } finally {
      pumping = false;
    }
  }

  function pumpOnce(): void {
    const now = clock.now();
    let next = Number.POSITIVE_INFINITY;
    const blocked = new Set<string>();
    // While the overall limit is spent, a limited call waits at least that
    // long whatever its chat's state: one check instead of one per call.
    let globalWait = limits.globalWaitMs(now);
    lanes.retain((job) => {
      if (now >= job.deadline) {
        depth--;
        publish(CHANNELS.outboundQueue, () => ({ action: 'expired', lane: job.lane, depth }));
        job.reject(
          new PortcullisError(
            'outbound_deadline_exceeded',
            `Outbound call waited past its deadline of ${job.deadline - job.enqueuedAt} ms`,
          ),
        );
        return false;
      }
      if (blocked.has(job.scope) || pacing.has(job.scope)) {
        next = Math.min(next, job.deadline);
        return true;
      }
      // A lower bound of its wait: the timer may fire early, never late.
      const wait = job.limited && globalWait > 0 ? globalWait : limits.waitMs(job, now);
      if (wait > 0) {
        blocked.add(job.scope);
        next = Math.min(next, now + wait, job.deadline);
        return true;
      }
      dispatch(job, now);
      globalWait = limits.globalWaitMs(now);
      return false;
    });
    if (next === Number.POSITIVE_INFINITY) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = next;
    } else wakeAt(next, now);
    limits.maybeSweep(now, depth === 0);
  }

  /** Makes the timer fire no later than `at`. */
  function wakeAt(at: number, now: number): void {
    if (at >= timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
      pump();
    }, at - now);
  }

  function enqueue(job: Job): void {
    lanes.push(job);
    publish(CHANNELS.outboundQueue, () => ({ action: 'enqueued', lane: job.lane, depth }));
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
          scope: key ?? GLOBAL_SCOPE,
          laneIndex: LANES.indexOf(lane),
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
        depth++;
        if (now >= timerAt || pumping || now >= job.deadline) {
          // Waiting calls may be ready: the pump serves them in order first.
          enqueue(job);
          pump();
          return;
        }
        // No waiting call is ready before the timer, so this call goes now
        // exactly when a pump would send it: nothing of its scope waits ahead
        // of it and its limits let it go. It never walks the queue.
        if (lanes.waitsAhead(job.scope, job.laneIndex) || pacing.has(job.scope)) {
          enqueue(job);
          wakeAt(job.deadline, now);
          return;
        }
        const wait = limits.waitMs(job, now);
        if (wait === 0) {
          dispatch(job, now);
          limits.maybeSweep(now, depth === 0);
          return;
        }
        enqueue(job);
        wakeAt(Math.min(now + wait, job.deadline), now);
      });
    },
    get trackedChats() {
      return limits.trackedChats;
    },
    get depth() {
      return depth;
    },
    cooldownUntil(chatId) {
      return limits.cooldownUntil(chatId === undefined ? GLOBAL_SCOPE : String(chatId));
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      for (const job of lanes.drain())
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
