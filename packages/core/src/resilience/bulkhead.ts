import diagnosticsChannel from 'node:diagnostics_channel';
import { invalidOption } from '../errors/portcullis-error';
import { CHANNELS, publish } from '../instrumentation/channels';
import { positiveInteger } from './circuit-breaker-options';
import { abortedError, BulkheadFullError } from './errors';
import { type ExecuteOptions, NEVER_ABORTED, type Policy, type PolicyFunction } from './policy';

// Held at module level so an idle channel costs one property read per event.
const bulkheadChannel = diagnosticsChannel.channel(CHANNELS.bulkhead);

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Name in errors and instrumentation. @default 'bulkhead' */
  readonly name?: string;
  /** Calls running at once. @default 10 */
  readonly maxConcurrent?: number;
  /** Calls waiting for a slot; more are rejected with {@link BulkheadFullError}. @default 0 */
  readonly maxQueue?: number;
}

/** A bulkhead policy, with its current load for health pages. */
export interface Bulkhead extends Policy {
  readonly name: string;
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting now. */
  readonly queued: number;
}

interface Waiter {
  readonly start: () => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * A policy that limits concurrent calls and queues a bounded number more,
 * rejecting the rest with {@link BulkheadFullError}, so one slow dependency
 * cannot take every socket or every pending promise. A queued call whose
 * signal aborts leaves the queue. Publishes `CHANNELS.bulkhead`.
 *
 * @example
 * ```ts
 * const limited = bulkhead({ name: 'users', maxConcurrent: 20, maxQueue: 50 });
 * await limited.execute((signal) => callBackend(signal));
 * ```
 */
export function bulkhead(options: BulkheadOptions = {}): Bulkhead {
  const name = options.name ?? 'bulkhead';
  const maxConcurrent = positiveInteger('maxConcurrent', options.maxConcurrent ?? 10);
  const maxQueue = options.maxQueue ?? 0;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    throw invalidOption('maxQueue', 'an integer >= 0', maxQueue);
  }
  const queue: Waiter[] = [];
  let active = 0;

  const event = (action: 'admitted' | 'queued' | 'rejected' | 'released') => {
    if (bulkheadChannel.hasSubscribers) {
      publish(CHANNELS.bulkhead, { name, action, active, queued: queue.length });
    }
  };

  const release = () => {
    active--;
    event('released');
    const next = queue.shift();
    if (next !== undefined) {
      if (next.signal !== NEVER_ABORTED) next.signal.removeEventListener('abort', next.onAbort);
      next.start();
    }
  };

  const run = <T>(fn: PolicyFunction<T>, signal: AbortSignal): Promise<T> => {
    active++;
    event('admitted');
    let pending: Promise<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.finally(release);
  };

  return {
    name,
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    execute<T>(fn: PolicyFunction<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const signal = executeOptions?.signal ?? NEVER_ABORTED;
      if (signal.aborted) return Promise.reject(abortedError(signal));
      if (active < maxConcurrent) return run(fn, signal);
      if (queue.length >= maxQueue) {
        event('rejected');
        return Promise.reject(new BulkheadFullError(name, maxConcurrent, maxQueue));
      }
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          signal,
          start: () => run(fn, signal).then(resolve, reject),
          onAbort: () => {
            queue.splice(queue.indexOf(waiter), 1);
            reject(abortedError(signal));
          },
        };
        queue.push(waiter);
        if (signal !== NEVER_ABORTED)
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        event('queued');
      });
    },
  };
}
